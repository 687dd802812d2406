using RnnEngine.Engine;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data;
using RnnEngine.Models.Training;

namespace RnnEngine.Models.Detection;

/// <summary>How <see cref="AnomalyDetector.Train"/> fits its networks: the windows free of labelled anomalies, the
/// ensemble members one after another under one time cap, the robust pass, and the out-of-fold errors of cross-fitting.</summary>
internal static class DetectorTraining
{
    /// <summary>
    /// Trains the network(s) of <paramref name="config"/> on the rows [from, fitEnd) of the scaled series, stopping
    /// early on [fitEnd, validEnd); windows holding a labelled anomaly are left out.
    /// </summary>
    internal static (IWindowModel Model, TrainReport Report) TrainNetworks(Backend device, DetectorConfig config, Series scaled, int from, int fitEnd,
        int validEnd, TrainOptions options, TextWriter? progress, Func<int, TrainingState?>? resume, Action<int, TrainingState>? epochDone)
    {
        int T = config.Span;
        int stride = Math.Max(1, T / 4);
        Series fitRows = scaled.Slice(from, fitEnd - from), validRows = scaled.Slice(fitEnd, validEnd - fitEnd);
        WindowSet fit = NormalWindows(fitRows, T, stride);
        WindowSet valid = NormalWindows(validRows, T, stride, allowEmpty: true);
        if (fit.Count == 0) throw new DataFormatException(scaled.Source, null, null, "no training window free of labelled anomalies");
        IWindowModel model = config.Build(device);
        try
        {
            TrainingSet pairs = Pairs(config, fit, fitRows);
            TrainingSet? validation = valid.Count > 0 ? Pairs(config, valid, validRows) : null;
            IReadOnlyList<IWindowModel> members = model is EnsembleModel e ? e.Members : [model];
            TrainReport? report = null;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int k = 0; k < members.Count; k++)
            {
                if (members.Count > 1) progress?.WriteLine($"member {k + 1} of {members.Count}");
                int member = k;
                // the time cap is for the whole ensemble: a later member gets what is left (at least one epoch)
                var memberOptions = options with { Seed = options.Seed + (ulong)k, MaxSeconds = Math.Max(0, options.MaxSeconds - clock.Elapsed.TotalSeconds) };
                TrainReport r = TrainMember(members[k], pairs, validation, memberOptions, config.RobustTrim, progress,
                    resume?.Invoke(k), epochDone is null ? null : s => epochDone(member, s));
                report = report is null ? r : r with { EpochsRun = report.EpochsRun + r.EpochsRun, Seconds = report.Seconds + r.Seconds,
                    CapReached = report.CapReached ?? r.CapReached };
            }
            return (model, report!);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Out-of-fold errors [N, F] of every row: networks trained on the first half score the second, and networks trained
    /// on the second half score the first (each half split 85/15 for early stopping), so every row's error comes from
    /// networks that never trained on it. Rows without a full span in their half's context are not usable.
    /// </summary>
    internal static float[] CrossFitErrors(Backend device, DetectorConfig config, Series scaled, TrainOptions options, out bool[] usable)
    {
        int n = scaled.Length, f = scaled.Features, half = n / 2;
        var errors = new float[n * f];
        usable = new bool[n];
        (int From, int To)[] folds = [(0, half), (half, n)];
        for (int k = 0; k < 2; k++)
        {
            (int from, int to) = folds[k];
            int fitEnd = from + (int)((to - from) * 0.85);
            (IWindowModel model, _) = TrainNetworks(device, config, scaled, from, fitEnd, to, options, null, null, null);
            using (model)
            {
                (int other0, int other1) = folds[1 - k];
                // the other half with the span of rows before it as context (the first half has none)
                int context = Math.Max(0, other0 - (config.Span - 1));
                float[] e = AnomalyDetector.LastRowErrors(model, scaled.Slice(context, other1 - context), config.Span, out bool[] u);
                for (int t = other0; t < other1; t++)
                {
                    if (!u[t - context]) continue;
                    usable[t] = true;
                    e.AsSpan((t - context) * f, f).CopyTo(errors.AsSpan(t * f, f));
                }
            }
        }
        return errors;
    }

    /// <summary>Trains one network; with a robust pass, then drops its worst-fitted windows and goes on without them.</summary>
    private static TrainReport TrainMember(IWindowModel model, TrainingSet pairs, TrainingSet? validation, TrainOptions options, double trim,
        TextWriter? progress, TrainingState? resume, Action<TrainingState>? epochDone)
    {
        TrainReport report = Trainer.Fit(model, pairs, validation, options, progress, resume, epochDone);
        if (trim <= 0) return report;
        // training rows may hold anomalies nobody labelled: the windows the model fits worst are dropped and training
        // goes on without them, so they are not learned as normal
        TrainingSet kept = Trimmed(model, pairs, trim);
        progress?.WriteLine($"robust pass: {pairs.Count - kept.Count} of {pairs.Count} training windows with the largest errors dropped; training goes on");
        TrainReport second = Trainer.Fit(model, kept, validation, options with { Epochs = report.EpochsRun }, progress);
        return second with { EpochsRun = report.EpochsRun + second.EpochsRun, Seconds = report.Seconds + second.Seconds, CapReached = report.CapReached };
    }

    /// <summary>The windows of <paramref name="set"/> without the <paramref name="fraction"/> with the largest mean
    /// squared error under the current model.</summary>
    private static TrainingSet Trimmed(IWindowModel model, TrainingSet set, double fraction)
    {
        float[] output = Inference.PredictAll(model, set.Inputs, set.Count);
        int stride = set.Stride;
        var loss = new double[set.Count];
        for (int w = 0; w < set.Count; w++)
        {
            double sum = 0;
            for (int i = w * stride; i < (w + 1) * stride; i++) sum += (output[i] - set.Targets[i]) * (double)(output[i] - set.Targets[i]);
            loss[w] = sum;
        }
        int keep = Math.Max(1, set.Count - (int)(fraction * set.Count));
        int[] order = [.. Enumerable.Range(0, set.Count).OrderBy(w => loss[w]).Take(keep).Order()];
        var inputs = new float[keep * stride];
        var targets = ReferenceEquals(set.Inputs, set.Targets) ? inputs : new float[keep * stride];
        for (int i = 0; i < keep; i++)
        {
            set.Inputs.AsSpan(order[i] * stride, stride).CopyTo(inputs.AsSpan(i * stride));
            if (!ReferenceEquals(inputs, targets)) set.Targets.AsSpan(order[i] * stride, stride).CopyTo(targets.AsSpan(i * stride));
        }
        return new TrainingSet(inputs, targets, keep, set.Window, set.Features);
    }

    /// <summary>Sliding windows that contain no labelled anomaly.</summary>
    private static WindowSet NormalWindows(Series s, int T, int stride, bool allowEmpty = false)
    {
        if (s.Length < T)
        {
            if (allowEmpty) return new WindowSet([], 0, T, s.Features, [], null, null);
            throw new DataFormatException(s.Source, null, null, $"expected at least {T} rows for one window, got {s.Length}");
        }
        WindowSet all = WindowSet.Cut(s, T, stride);
        if (all.IsAnomalous is null) return all;
        var keep = Enumerable.Range(0, all.Count).Where(w => !all.IsAnomalous[w]).ToList();
        return all.Select(keep);
    }

    /// <summary>Training pairs from windows of <see cref="DetectorConfig.Span"/> rows cut from <paramref name="rows"/>:
    /// each window as its own target, or (next row) its first T rows as input and its last T as target.</summary>
    private static TrainingSet Pairs(DetectorConfig config, WindowSet w, Series rows) => config.PredictsNextRow
        ? TrainingSet.NextRow(rows.Values, rows.Features, config.Window, w.Starts)
        : new(w.Data, w.Data, w.Count, w.Length, w.Features);
}
