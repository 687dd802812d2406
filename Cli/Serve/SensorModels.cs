using System.Text.RegularExpressions;
using RnnEngine.Engine;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Streaming;
using RnnEngine.Cli.Commands;

namespace RnnEngine.Cli.Serve;

/// <summary>
/// Which model scores which sensor: `--model FILE` for every sensor, or `--model PATTERN=FILE` (a glob on the sensor
/// name, * and ?), tried in the order given; a plain FILE is the fallback. Each model file is loaded once and scores
/// its sensors' rows in one batch (<see cref="BatchScorer"/>).
/// </summary>
public sealed class SensorModels : IDisposable
{
    private readonly List<(Regex? Pattern, SensorModel Model)> rules = [];
    private readonly Dictionary<string, SensorModel?> bySensor = new(StringComparer.Ordinal);

    public SensorModels(Backend device, IReadOnlyList<string> specs)
    {
        var loaded = new Dictionary<string, SensorModel>(StringComparer.Ordinal);
        try
        {
            foreach (string spec in specs)
            {
                int eq = spec.IndexOf('=');
                string? pattern = eq > 0 ? spec[..eq] : null;
                string path = eq > 0 ? spec[(eq + 1)..] : spec;
                if (path.Length == 0) throw new UsageException($"--model {spec}: no model file after '='");
                if (!File.Exists(path)) throw new UsageException($"--model {spec}: model file {path} not found");
                if (!loaded.TryGetValue(path, out SensorModel? model))
                {
                    if (TokenDetectorFile.IsTokenModel(path))
                        throw new UsageException($"--model {path}: a {TokenDetectorConfig.ModelName} model scores whole traces; serve scores numeric rows");
                    var detector = DetectorFile.Load(device, path);
                    if (detector.Config.Format != InputFormat.Csv)
                        throw new UsageException($"--model {path} was trained on --format {detector.Config.Format}; serve scores plain numeric rows");
                    model = new SensorModel(path, detector);
                    loaded.Add(path, model);
                }
                rules.Add((pattern is null ? null : Glob(pattern), model));
            }
        }
        catch
        {
            foreach (var m in loaded.Values) m.Dispose();
            throw;
        }
        Models = [.. loaded.Values];
        // the fallback (a plain FILE) is tried after every pattern, wherever it was given
        rules.Sort((a, b) => (a.Pattern is null).CompareTo(b.Pattern is null));
    }

    public IReadOnlyList<SensorModel> Models { get; }

    /// <summary>The model of a sensor, or null when no pattern matches and there is no fallback.</summary>
    public SensorModel? For(string sensor)
    {
        if (bySensor.TryGetValue(sensor, out SensorModel? known)) return known;
        SensorModel? found = null;
        foreach (var (pattern, model) in rules)
            if (pattern is null || pattern.IsMatch(sensor)) { found = model; break; }
        if (bySensor.Count < 1_000_000) bySensor[sensor] = found;
        return found;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant);

    public void Dispose()
    {
        foreach (var m in Models) m.Dispose();
    }
}

/// <summary>One loaded model: its detector, the field name of each feature column, and the batch scorer of its sensors.</summary>
public sealed class SensorModel : IDisposable
{
    public SensorModel(string path, AnomalyDetector detector)
    {
        Path = path;
        Detector = detector;
        Scorer = new BatchScorer(detector);
        int f = detector.Config.Features;
        var columns = detector.Config.Columns;
        // a model trained without a header names its columns by position, 1-based as a reader counts them
        Fields = columns.Count == f ? [.. columns] : [.. Enumerable.Range(1, f).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    public string Path { get; }
    public AnomalyDetector Detector { get; }
    public BatchScorer Scorer { get; }
    public int Features => Detector.Config.Features;

    /// <summary>The message field that holds each feature, in feature order.</summary>
    public string[] Fields { get; }

    public void Dispose() => Detector.Dispose();
}
