using RnnEngine.Engine;
using RnnEngine.Models.Data;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Training;

namespace RnnEngine.Cli.Commands;

/// <summary>
/// `rnnengine train --data FILE --model M --out MODEL`: fits a detector on the rows of a numeric CSV, a SWaT export or
/// a program trace (<see cref="NumericInput"/>; for the first two its columns, or those of --columns) and writes the
/// checkpoint (network, scaler, error model, threshold, input format); the token model on a kernel-event trace goes to
/// <see cref="TokenCommands"/>.
/// </summary>
public static class TrainCommand
{
    public static int Run(CommandArgs args, TextWriter stdout, TextWriter stderr)
    {
        string data = args.String("data") ?? throw new UsageException("train needs --data FILE.csv");
        string outPath = args.String("out") ?? throw new UsageException("train needs --out MODEL");
        OutputPath.Check("--out", outPath, ("--data", data), ("--labels", args.String("labels")));
        string model = args.String("model", DefaultModel);
        string format = InputFormat.Parse(args, model);
        if (format == InputFormat.Kev) return TokenCommands.Train(args, data, outPath, stdout, stderr);
        if (!DetectorConfig.ModelNames.Contains(model))
            throw new UsageException($"--model expects {string.Join(", ", DetectorConfig.ModelNames)} or {TokenDetectorConfig.ModelName}, got '{model}'");
        string? columns = args.String("columns");
        string? labels = args.String("labels");
        bool noHeader = args.Flag("no-header");
        // 0 = auto: chosen from the data once it is read
        string windowText = args.String("window", DefaultWindow);
        int window = windowText == "auto" ? 0
            : int.TryParse(windowText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int w) && w >= 2 && w <= 100_000 ? w
            : throw new UsageException($"--window expects auto or an integer in [2, 100000], got '{windowText}'");
        int hidden = args.Int("hidden", 32, 1, 4096);
        string device = args.String("device", "auto");
        int threads = args.Int("threads", 0, 0, 256);
        var defaults = new TrainOptions();
        var options = defaults with
        {
            Epochs = args.Int("epochs", defaults.Epochs, 1, 100_000),
            MaxSeconds = args.Double("max-minutes", 10, 0.01, 1e6) * 60,
            DecayPatience = args.Int("lr-patience", 4, 0, 100_000),
            BatchSize = args.Int("batch", defaults.BatchSize, 1, 65_536),
            LearningRate = (float)args.Double("lr", defaults.LearningRate, 1e-7, 10),
            Patience = args.Int("patience", defaults.Patience, 1, 100_000),
            Seed = (ulong)args.Int("seed", 1, 0),
        };
        var decode = RunCommand.ParseDecode(args.String("decode", "teacher"));
        // a trace's columns are one-hot event ids and ln(1 + dt), not measurements: seed 002's joint error score fits them
        bool trace = format == InputFormat.Trace;
        string score = args.String("score", trace ? "gaussian" : "channel");
        if (!DetectorConfig.ScoreNames.Contains(score)) throw new UsageException($"--score expects {string.Join(" or ", DetectorConfig.ScoreNames)}, got '{score}'");
        string rule = args.String("threshold", trace ? "gaussian" : "pot");
        if (!DetectorConfig.ThresholdNames.Contains(rule)) throw new UsageException($"--threshold expects {string.Join(" or ", DetectorConfig.ThresholdNames)}, got '{rule}'");
        int smoothing = args.Int("smooth", trace ? 1 : DefaultSmoothing, 1, 100_000);
        double risk = args.Double("risk", 1e-3, 1e-9, 0.5);
        int? eventGapGiven = args.String("event-gap") is null ? null : args.Int("event-gap", 0, 0, 10_000_000);
        string? scoreColumns = args.String("score-columns");
        double unscoredScale = args.Double("unscored-scale", DefaultUnscoredScale, 1e-3, 1);
        int topChannels = args.Int("top-channels", DefaultTopChannels, 0, 100_000);
        double robustTrim = args.Double("robust-trim", DefaultRobustTrim, 0, 0.5);
        int ensemble = args.Int("ensemble", DefaultEnsemble, 1, 64);
        bool quiet = args.Flag("quiet");
        bool resume = args.Flag("resume");
        MissingPolicy missing = MissingOption.Parse(args);
        int resample = args.Int("resample", 0, 0, 86_400);
        args.EnsureAllUsed();
        NumericInput.CheckOptions(format, noHeader, labels, missing, resample, columns);
        using var outLock = OutputPath.Lock("--out", outPath);

        bool traceLabels = format == InputFormat.Trace;
        CsvReadResult read = NumericInput.Read(format, data,
            columns?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), noHeader, missing, resample,
            traceLabels ? labels : null);
        Series series = read.Series;
        if (missing != MissingPolicy.Error) stderr.WriteLine(read.Missing.Describe());
        if (labels is not null && !traceLabels)
        {
            // one label per input data row: those of dropped rows go with them
            bool[] all = LabelFile.Read(labels, series.Length + read.Missing.DroppedRows.Count);
            var dropped = read.Missing.DroppedRows.ToHashSet();
            series = series.WithLabels([.. all.Where((_, i) => !dropped.Contains(i))]);
        }
        int[] chosenColumns = scoreColumns is null ? [] : ColumnIndices(scoreColumns, series.ColumnNames);
        if (window == 0)
        {
            int fitRows = (int)(series.Length * AnomalyDetector.FitShare);
            if (fitRows < 2) throw new DataFormatException(data, null, null, $"{series.Length} rows are too few to train on");
            Series fitPart = series.Slice(0, fitRows);
            (window, string why) = AutoWindow.Choose(fitPart, ColumnRoles.Scored(ColumnRoles.Detect(fitPart), chosenColumns));
            if (!quiet) stderr.WriteLine($"window auto: {window} ({why})");
        }
        int eventGap = eventGapGiven ?? (trace ? 0 : DefaultGapWindows * window);
        var config = new DetectorConfig
        {
            Model = model, Window = window, Features = series.Features, Hidden = hidden, Decode = decode,
            Seed = options.Seed, Columns = noHeader ? [] : [.. series.ColumnNames], Format = format, ResampleSeconds = resample,
            Ensemble = ensemble, UnscoredScale = unscoredScale, RobustTrim = robustTrim, TopChannels = topChannels,
            Score = score, Smoothing = smoothing, ThresholdRule = rule, Risk = risk, EventGap = eventGap, ScoreColumns = chosenColumns,
        };
        using var backend = Devices.Create(device, threads);
        // after every epoch the state to resume from (weights, Adam moments and step count) goes beside the model
        // (one state file per ensemble member; member 0's is MODEL.state)
        string statePath = StatePath(outPath);
        var resumeFrom = new TrainingState?[ensemble];
        string fingerprint = Fingerprint(config, options, series);
        if (resume)
        {
            for (int k = 0; k < ensemble; k++)
            {
                // member 0 must have a state; a later member without one had not started when training stopped
                if (k > 0 && !File.Exists(StatePath(outPath, k))) continue;
                try { resumeFrom[k] = TrainingState.Load(StatePath(outPath, k)); }
                catch (RnnEngine.Engine.IO.SafeTensorsFormatException e) { throw new UsageException("--resume: " + e.Message); }
                if (resumeFrom[k]!.Fingerprint != fingerprint)
                    throw new UsageException($"--resume: {StatePath(outPath, k)} was saved by a run with other data or settings (model, window, " +
                        "columns, score, learning rate, batch, seed...); resume with the same ones, or train afresh without --resume");
            }
        }
        AnomalyDetector detector;
        try
        {
            detector = AnomalyDetector.Train(backend, series, config, options, quiet ? null : stderr, k => resumeFrom[k], (k, s) => (s with { Fingerprint = fingerprint }).Save(StatePath(outPath, k)));
        }
        catch (NumericFaultException e)
        {
            stderr.WriteLine($"error: {e.Message}. " + (File.Exists(statePath)
                ? $"The last good state (after epoch {e.Epoch - 1}) is kept in {statePath}: lower --lr and train again with --resume."
                : "No epoch finished, so no state was saved: lower --lr and train again."));
            return 3;
        }
        using var trained = detector;
        if (!quiet && score == "channel" && detector.Roles is { } roles
            && ColumnRoles.Describe(roles, detector.ChannelScore!.Channels, series.ColumnNames) is string said) stderr.WriteLine(said);
        DetectorFile.Save(detector, outPath);
        var r = detector.Report!;
        if (!quiet && r.CapReached is string cap) stderr.WriteLine($"training stopped at {cap}, before the validation loss stopped improving: raise the cap to train longer");
        stdout.WriteLine($"trained {model} on {series.Length} rows x {series.Features} features: {r.EpochsRun} epochs, best validation loss {r.BestLoss:G4} (epoch {r.BestEpoch + 1}), threshold {detector.Threshold:G4} ({detector.ThresholdRule.Method}), {r.Seconds:F1} s");
        stdout.WriteLine($"wrote {outPath}");
        return 0;
    }

    public const string DefaultModel = "next-step-lstm";
    public const string DefaultWindow = "auto";
    public const int DefaultSmoothing = 16, DefaultGapWindows = 4;
    public const double DefaultUnscoredScale = 0.1;
    public const int DefaultTopChannels = 3;
    public const double DefaultRobustTrim = 0;
    public const int DefaultEnsemble = 3;

    /// <summary>SHA-256 of the settings a resumed run must share with the one that saved the state (all but the epoch
    /// and time caps, which a resume may raise) and of the training rows as read (values and labels), so the data file
    /// is not read twice.</summary>
    private static string Fingerprint(DetectorConfig config, TrainOptions options, Series series)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        string settings = DetectorFile.ToJson(config) + string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"|batch {options.BatchSize}|lr {options.LearningRate:R}|patience {options.Patience}|lr-patience {options.DecayPatience}|seed {options.Seed}|trim {config.RobustTrim:R}|unscored {config.UnscoredScale:R}|top {config.TopChannels}");
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes(settings));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(series.Values.AsSpan()));
        if (series.Labels is { } l) sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(l.AsSpan()));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>--score-columns: names of the read columns, or 0-based indices among them.</summary>
    private static int[] ColumnIndices(string list, IReadOnlyList<string> names)
    {
        var picked = new List<int>();
        foreach (string item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int byName = names.ToList().IndexOf(item);
            if (byName >= 0) picked.Add(byName);
            else if (int.TryParse(item, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) && k < names.Count) picked.Add(k);
            else throw new UsageException($"--score-columns: '{item}' is neither a column read ({string.Join(",", names.Take(8))}{(names.Count > 8 ? ",..." : "")}) nor an index below {names.Count}");
        }
        if (picked.Count == 0) throw new UsageException("--score-columns names no column");
        return [.. picked.Distinct()];
    }

    /// <summary>The training state file of a model: MODEL.state beside it.</summary>
    public static string StatePath(string modelPath) => modelPath + ".state";

    /// <summary>The training state file of ensemble member k (member 0: <see cref="StatePath(string)"/>).</summary>
    public static string StatePath(string modelPath, int member) => member == 0 ? StatePath(modelPath) : $"{modelPath}.m{member}.state";
}
