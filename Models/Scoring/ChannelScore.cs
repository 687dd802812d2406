using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnEngine.Models.Scoring;

/// <summary>
/// The score "how much worse than normal": for each scored channel c, its error e_c (scaled units) is standardised by
/// the mean and sd of that channel's errors on held-out normal rows, only the part above the mean counts
/// (z_c = max(0, (e_c - mean_c) / sd_c): a row predicted better than usual is not anomalous), and the row's raw score
/// is the mean of the <see cref="Top"/> largest z_c (all of them when there are fewer): an anomaly usually shows on a
/// few channels, which a mean over dozens of well-predicted ones would dilute (seed 000's argument for its channel
/// maximum; the mean of a few is steadier than the single largest). A channel in <see cref="Departure"/> (constant on the training rows)
/// has no model: its error is the departure of the scaled value from the training constant, which scales to 0.
/// The sd has a floor of <see cref="ScaleFloor"/> so a channel the model predicts perfectly does not turn float noise
/// into huge scores.
/// </summary>
public sealed class ChannelScore
{
    /// <summary>1 % of a scaled channel's normal spread.</summary>
    public const double ScaleFloor = 1e-2;

    public int[] Channels { get; }
    public bool[] Departure { get; }
    public double[] Mean { get; }
    public double[] Scale { get; }
    /// <summary>How many of the largest channel scores are averaged (0: all).</summary>
    public int Top { get; }

    public ChannelScore(int[] channels, bool[] departure, double[] mean, double[] scale, int top = 0)
    {
        if (top < 0) throw new ArgumentException($"channel score: top {top} is negative");
        Top = top == 0 || top > channels.Length ? channels.Length : top;
        if (channels.Length == 0 || departure.Length != channels.Length || mean.Length != channels.Length || scale.Length != channels.Length)
            throw new ArgumentException($"channel score: {channels.Length} channels, {departure.Length} departure flags, {mean.Length} means, {scale.Length} scales");
        if (scale.Any(s => !(s > 0) || !double.IsFinite(s)) || mean.Any(m => !double.IsFinite(m)) || channels.Any(c => c < 0))
            throw new ArgumentException("channel score: means must be finite, scales positive, channels non-negative");
        Channels = channels;
        Departure = departure;
        Mean = mean;
        Scale = scale;
    }

    /// <summary>The error of a channel of a row: the model's error, or the departure of a constant channel.</summary>
    private static double Error(int channel, bool departure, ReadOnlySpan<float> errors, ReadOnlySpan<float> scaledRow) =>
        departure ? Math.Abs(scaledRow[channel]) : errors[channel];

    /// <summary>Fits mean and sd per channel on the rows of [N, F] <paramref name="errors"/> where <paramref name="use"/> holds.</summary>
    public static ChannelScore Fit(ReadOnlySpan<float> errors, ReadOnlySpan<float> scaled, int features, ReadOnlySpan<bool> use, int[] channels, bool[] departure,
        int top = 0)
    {
        int m = channels.Length;
        if (departure.Length != m) throw new ArgumentException($"channel score: {m} channels, {departure.Length} departure flags");
        var sum = new double[m];
        var sq = new double[m];
        int count = 0;
        for (int t = 0; t < use.Length; t++)
        {
            if (!use[t]) continue;
            count++;
            for (int k = 0; k < m; k++)
            {
                double e = Error(channels[k], departure[k], errors.Slice(t * features, features), scaled.Slice(t * features, features));
                sum[k] += e;
                sq[k] += e * e;
            }
        }
        if (count < 2) throw new ArgumentException($"the channel score needs at least 2 held-out rows, got {count}");
        var mean = new double[m];
        var scale = new double[m];
        for (int k = 0; k < m; k++)
        {
            mean[k] = departure[k] ? 0 : sum[k] / count;
            double var = Math.Max(0, (sq[k] - count * (sum[k] / count) * (sum[k] / count)) / (count - 1));
            scale[k] = departure[k] ? ScaleFloor : Math.Max(Math.Sqrt(var), ScaleFloor);
        }
        return new ChannelScore(channels, departure, mean, scale, top);
    }

    /// <summary>Raw (unsmoothed) score of one row from its error vector [F] and its scaled values [F].</summary>
    public double Row(ReadOnlySpan<float> errors, ReadOnlySpan<float> scaledRow)
    {
        // the Top largest so far, in descending order (Top is small; no allocation per row)
        Span<double> best = Top <= 64 ? stackalloc double[Top] : new double[Top];
        best.Clear();
        for (int k = 0; k < Channels.Length; k++)
        {
            double z = Math.Max(0, (Error(Channels[k], Departure[k], errors, scaledRow) - Mean[k]) / Scale[k]);
            int i = Top - 1;
            if (!(z > best[i])) continue;
            while (i > 0 && best[i - 1] < z) { best[i] = best[i - 1]; i--; }
            best[i] = z;
        }
        double total = 0;
        foreach (double z in best) total += z;
        return total / Top;
    }

    public string ToJson() => new JsonObject
    {
        ["kind"] = "channel",
        ["channels"] = new JsonArray([.. Channels.Select(c => (JsonNode?)c)]),
        ["departure"] = new JsonArray([.. Departure.Select(d => (JsonNode?)d)]),
        ["mean"] = new JsonArray([.. Mean.Select(v => (JsonNode?)v)]),
        ["scale"] = new JsonArray([.. Scale.Select(v => (JsonNode?)v)]),
        ["top"] = Top,
    }.ToJsonString();

    public static ChannelScore FromJson(string json)
    {
        try
        {
            JsonNode root = JsonNode.Parse(json) ?? throw new JsonException("null");
            T[] read<T>(string key) => [.. root[key]!.AsArray().Select(n => n!.GetValue<T>())];
            return new ChannelScore(read<int>("channels"), read<bool>("departure"), read<double>("mean"), read<double>("scale"),
                root["top"]?.GetValue<int>() ?? 0);
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new FormatException("channel-score metadata is not {channels[], departure[], mean[], scale[]}: " + e.Message, e);
        }
    }
}
