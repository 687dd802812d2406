using System.CommandLine;
using RnnEngine.Cli.Output;
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
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var o = new TrainCli();
        var c = new Command("train", "fit a detector (network, error model, threshold) on rows of normal operation and write it to --out; " +
            $"--model {TokenDetectorConfig.ModelName} fits seed 004's token model on a kernel-event trace");
        foreach (Option option in o.All) c.Options.Add(option);
        c.SetAction(p => Run(p, o, stdout, stderr));
        return c;
    }

    private static int Run(ParseResult p, TrainCli o, TextWriter stdout, TextWriter stderr)
    {
        string data = p.GetValue(o.Data)!;
        string outPath = p.GetValue(o.Out)!;
        string? labels = p.GetValue(o.Labels);
        OutputPath.Check("--out", outPath, ("--data", data), ("--labels", labels));
        string model = p.GetValue(o.Model)!;
        string format = InputFormat.Resolve(p.GetValue(o.Format), model);
        if (format == InputFormat.Kev) return TokenCommands.Train(p, o, data, outPath, stdout, stderr);
        o.RefuseTokenOptions(p);
        string? columns = p.GetValue(o.Columns);
        bool noHeader = p.GetValue(o.NoHeader);
        // 0 = auto (the default): chosen from the data once it is read
        int window = o.WindowRows(p, 2, 100_000, allowAuto: true) ?? 0;
        int hidden = p.GetValue(o.Hidden) ?? DefaultHidden;
        string device = p.GetValue(o.Device)!;
        int threads = p.GetValue(o.Threads);
        var defaults = new TrainOptions();
        var options = defaults with
        {
            Epochs = p.GetValue(o.Epochs) ?? defaults.Epochs,
            MaxSeconds = p.GetValue(o.MaxMinutes) * 60,
            DecayPatience = p.GetValue(o.LrPatience),
            BatchSize = p.GetValue(o.Batch) ?? defaults.BatchSize,
            LearningRate = (float)(p.GetValue(o.Lr) ?? defaults.LearningRate),
            Patience = p.GetValue(o.Patience),
            Seed = (ulong)p.GetValue(o.Seed),
            ProgressSeconds = LiveProgress.SecondsFor(stderr, defaults.ProgressSeconds),
        };
        var decode = RunCommand.ParseDecode(p.GetValue(o.Decode)!);
        // a trace's columns are one-hot event ids and ln(1 + dt), not measurements: seed 002's joint error score fits them
        bool trace = format == InputFormat.Trace;
        string score = p.GetValue(o.Score) ?? (trace ? "gaussian" : "channel");
        string rule = p.GetValue(o.Threshold) ?? (trace ? "gaussian" : "pot");
        int smoothing = p.GetValue(o.Smooth) ?? (trace ? 1 : DefaultSmoothing);
        double risk = p.GetValue(o.Risk);
        int? eventGapGiven = p.GetValue(o.EventGap);
        string? scoreColumns = p.GetValue(o.ScoreColumns);
        double unscoredScale = p.GetValue(o.UnscoredScale);
        int topChannels = p.GetValue(o.TopChannels);
        double robustTrim = p.GetValue(o.RobustTrim);
        int ensemble = p.GetValue(o.Ensemble);
        bool quiet = p.GetValue(o.Quiet);
        bool resume = p.GetValue(o.Resume);
        MissingPolicy missing = p.MissingPolicy(o.Missing);
        int resample = p.GetValue(o.Resample);
        NumericInput.CheckOptions(format, noHeader, labels, missing, resample, columns);
        using var outLock = OutputPath.Lock("--out", outPath);

        bool traceLabels = format == InputFormat.Trace;
        CsvReadResult read = DataFile.Read(format, data,
            columns?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), noHeader, missing, resample,
            traceLabels ? labels : null);
        Series series = read.Series;
        if (missing != MissingPolicy.Error) stderr.WriteLine(read.Missing.Describe());
        if (!quiet && series.TimestampColumn is string clock) stderr.WriteLine($"column '{clock}' holds dates: kept out of the model (the plots' time axis)");
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
    public const int DefaultHidden = 32;
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
