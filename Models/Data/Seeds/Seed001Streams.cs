namespace RnnEngine.Models.Data.Seeds;

/// <summary>Seed 001's four benchmark streams besides PowerDemand.</summary>
public enum Seed001Stream { Smtp, Http, SmtpHttp, Forest }

/// <summary>
/// Seed 001's per-dataset settings (src/Initialization/conf_init.py, the same in conf_online.py): window T, hidden
/// units, the rows that initialise (training_set_size), the HardCriterion of the window decision, and the hard-normal
/// buffer that triggers an update, given there in batches of 8 windows and here in windows. Published: its README's window ROC AUC without and with updating.
/// </summary>
public sealed record Seed001StreamSpec(Seed001Stream Stream, string Name, string[] Files, int Window, int Hidden, int InitRows, int HardCriterion,
    int BufferWindows, double PublishedStatic, double PublishedOnline, int PublishedUpdates)
{
    public static Seed001StreamSpec For(Seed001Stream s) => s switch
    {
        Seed001Stream.Smtp => new(s, "kdd-smtp", ["34_smtp.npz"], 10, 15, 60_000, 5, 50 * 8, 0.94, 0.98, 2),
        Seed001Stream.Http => new(s, "kdd-http", ["16_http.npz"], 30, 35, 900_000, 5, 1000 * 8, 0.76, 0.86, 2),
        Seed001Stream.SmtpHttp => new(s, "kdd-smtp-http", ["34_smtp.npz", "16_http.npz"], 10, 15, 25_000, 5, 1500 * 8, 0.64, 0.85, 3),
        Seed001Stream.Forest => new(s, "forest", ["10_cover.npz"], 10, 25, 100_000, 4, 400 * 8, 0.74, 0.82, 8),
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    /// <summary>
    /// The stream's rows in file order from <c>data/seed001_streams</c>; SMTP+HTTP is the SMTP rows followed by the HTTP
    /// rows, the seed's artificial concept drift.
    /// </summary>
    public Series Load(string dataDir)
    {
        var parts = Files.Select(f => NpzReader.ReadSeries(Path.Combine(dataDir, "seed001_streams", f))).ToList();
        if (parts.Count == 1) return parts[0];
        int features = parts[0].Features;
        foreach (var p in parts)
            if (p.Features != features) throw new DataFormatException(p.Source, null, null, $"expected {features} features to follow {parts[0].Source}, got {p.Features}");
        float[] values = [.. parts.SelectMany(p => p.Values)];
        bool[] labels = [.. parts.SelectMany(p => p.Labels!)];
        return new Series(values, features, labels, string.Join(" + ", parts.Select(p => p.Source)), parts[0].ColumnNames);
    }
}
