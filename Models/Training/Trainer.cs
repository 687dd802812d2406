using System.Diagnostics;
using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Optim;
using RnnEngine.Engine.Rng;
using RnnEngine.Models.Architectures;

namespace RnnEngine.Models.Training;

public sealed record TrainOptions
{
    /// <summary>A cap: training normally ends by early stopping on the validation loss well before it.</summary>
    public int Epochs { get; init; } = 200;
    /// <summary>Wall-clock cap on training (seconds).</summary>
    public double MaxSeconds { get; init; } = double.PositiveInfinity;
    /// <summary>The learning rate is halved after this many epochs without improvement (0: constant rate, the seeds' runs).</summary>
    public int DecayPatience { get; init; }
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 1e-3f;
    /// <summary>Keras inverse-time decay per optimizer step, lr / (1 + decay * steps), on top of any halving (0: none;
    /// seed 004's token model uses 0.01).</summary>
    public float LearningRateDecay { get; init; }
    /// <summary>Examples an epoch draws, the first ones of its shuffle (without replacement, a new draw every epoch);
    /// all of them when there are fewer.</summary>
    public int ExamplesPerEpoch { get; init; } = int.MaxValue;
    /// <summary>Epochs without an improvement of the validation loss by more than <see cref="MinDelta"/> before stopping.</summary>
    public int Patience { get; init; } = 10;
    public double MinDelta { get; init; } = 1e-4;
    /// <summary>Drives the shuffling (the model's own seed drives its initialisation).</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Seconds between two progress lines: a few in a log, less on a terminal's live line.</summary>
    public double ProgressSeconds { get; init; } = 2;
}

public sealed record TrainReport(int EpochsRun, int BestEpoch, double BestLoss, double FinalTrainLoss, bool StoppedEarly,
    double Seconds, IReadOnlyList<double> TrainLosses, IReadOnlyList<double> ValidationLosses)
{
    /// <summary>"the epoch cap ..." or "the time cap ..." when one ended training before the validation loss had stopped
    /// improving for the patience; null when early stopping ended it (or there was no validation set to stop on).</summary>
    public string? CapReached { get; init; }
}

/// <summary>
/// Mini-batch training with Adam: the windows are shuffled every epoch from one seed, batches are of a fixed size
/// (the last partial batch of an epoch is dropped, so the layers keep one buffer shape; the shuffling moves every
/// window through the kept part over the epochs). With a validation set (normal data), training stops when its loss
/// has not improved for <see cref="TrainOptions.Patience"/> epochs and the best weights are restored.
/// Progress goes to <c>progress</c> (stderr in the CLI): epoch, losses, windows/s, ETA.
/// </summary>
public static class Trainer
{
    /// <param name="resume">state saved after an earlier run's epoch: training goes on from there, bit for bit as if never stopped</param>
    /// <param name="epochDone">called after every finished epoch with the state to resume from (the CLI saves it)</param>
    /// <exception cref="NumericFaultException">a non-finite loss or gradient; the weights are those before that step</exception>
    public static TrainReport Fit(IWindowModel model, TrainingSet train, TrainingSet? validation, TrainOptions options, TextWriter? progress,
        TrainingState? resume = null, Action<TrainingState>? epochDone = null)
    {
        if (train.Count == 0) throw new ArgumentException("no training windows");
        if (train.Window != model.Window || train.Features != model.Features)
            throw new ArgumentException($"training windows [T={train.Window}, F={train.Features}] do not fit {model.Kind} [T={model.Window}, F={model.Features}]");
        return Fit(new WindowTask(model, train, validation), options, progress, resume, epochDone);
    }

    /// <summary>The loop itself, for any model that can take a step over a batch of indexed examples (the window
    /// models above, the token model through <see cref="TokenWindows"/>).</summary>
    /// <inheritdoc cref="Fit(IWindowModel, TrainingSet, TrainingSet?, TrainOptions, TextWriter?, TrainingState?, Action{TrainingState}?)"/>
    public static TrainReport Fit(ITrainingTask task, TrainOptions options, TextWriter? progress,
        TrainingState? resume = null, Action<TrainingState>? epochDone = null)
    {
        if (task.Count == 0) throw new ArgumentException("no training windows");
        if (options.ExamplesPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(options), $"{options.ExamplesPerEpoch} examples per epoch, expected >= 1");
        int drawn = Math.Min(task.Count, options.ExamplesPerEpoch);
        int b = Math.Min(options.BatchSize, drawn);
        int batches = drawn / b;
        using var optimizer = new Adam(task.Device, task.Parameters, options.LearningRate, lrDecay: options.LearningRateDecay);
        var order = new int[task.Count];
        bool hasValidation = task.HasValidation;
        double best = double.PositiveInfinity;
        int bestEpoch = -1, epoch = 0;
        float[][]? bestWeights = null;
        var trainLosses = new List<double>();
        var validLosses = new List<double>();
        var clock = Stopwatch.StartNew();
        bool stoppedEarly = false;
        int firstEpoch = 0;
        if (resume is not null)
        {
            resume.Restore(task.Parameters, optimizer);
            firstEpoch = resume.NextEpoch;
            best = resume.Best;
            bestEpoch = resume.BestEpoch;
            bestWeights = resume.BestWeights;
            trainLosses.AddRange(resume.TrainLosses);
            validLosses.AddRange(resume.ValidationLosses);
            stoppedEarly = hasValidation && firstEpoch > 0 && firstEpoch - 1 - bestEpoch >= options.Patience;   // it had stopped early
        }
        string? cap = null, pending = null;
        double lastPrinted = 0;
        for (epoch = firstEpoch; !stoppedEarly && epoch < options.Epochs; epoch++)
        {
            if (epoch > firstEpoch && clock.Elapsed.TotalSeconds > options.MaxSeconds)
            {
                cap = "the time cap (--max-minutes)";
                break;
            }
            // reduce on plateau, replayed from the loss history so a resumed run uses the same rates
            optimizer.LearningRate = (float)(options.LearningRate * Math.Pow(0.5, Halvings(hasValidation ? validLosses : trainLosses, options)));
            Shuffle(order, options.Seed, (ulong)epoch);
            double sum = 0;
            for (int k = 0; k < batches; k++)
            {
                optimizer.ZeroGrad();
                float loss = task.Step(order.AsSpan(k * b, b));
                CheckFinite(task, loss, epoch, k);
                sum += loss;
                optimizer.Step();
            }
            double trainLoss = sum / batches;
            trainLosses.Add(trainLoss);
            string? note = task.EndEpoch();
            double monitored = trainLoss;
            if (hasValidation)
            {
                monitored = task.ValidationLoss(b);
                validLosses.Add(monitored);
            }
            if (monitored < best - options.MinDelta || bestEpoch < 0)
            {
                best = Math.Min(best, monitored);
                bestEpoch = epoch;
                if (hasValidation) bestWeights = Snapshot(task.Parameters);
            }
            if (progress is not null)
            {
                // a line at most every options.ProgressSeconds (the first and the last epoch always), not one per epoch
                pending = Report(epoch, firstEpoch, options.Epochs, trainLoss, hasValidation ? monitored : null, (epoch + 1 - firstEpoch) * batches * b, clock.Elapsed.TotalSeconds, note);
                if (epoch == firstEpoch || clock.Elapsed.TotalSeconds - lastPrinted >= options.ProgressSeconds)
                {
                    progress.WriteLine(pending);
                    pending = null;
                    lastPrinted = clock.Elapsed.TotalSeconds;
                }
            }
            epochDone?.Invoke(TrainingState.Capture(task.Parameters, optimizer, epoch + 1, best, bestEpoch, trainLosses, validLosses, bestWeights));
            if (hasValidation && epoch - bestEpoch >= options.Patience)
            {
                stoppedEarly = true;
                epoch++;
                break;
            }
        }
        if (pending is not null) progress?.WriteLine(pending);
        if (!stoppedEarly && cap is null && hasValidation) cap = "the epoch cap (--epochs)";
        if (bestWeights is not null) Restore(task.Parameters, bestWeights);
        // a resumed state that had already finished returns its weights (an ensemble resumes its finished members so)
        if (trainLosses.Count == 0) throw new ArgumentException($"nothing to train: the resumed state is at epoch {firstEpoch}, --epochs is {options.Epochs}");
        return new TrainReport(epoch, bestEpoch, best, trainLosses[^1], stoppedEarly, clock.Elapsed.TotalSeconds, trainLosses, validLosses) { CapReached = cap };
    }

    /// <summary>How often the rate has been halved after <paramref name="monitored"/>: once per
    /// <see cref="TrainOptions.DecayPatience"/> epochs in a row without an improvement beyond MinDelta.</summary>
    internal static int Halvings(IReadOnlyList<double> monitored, TrainOptions options)
    {
        if (options.DecayPatience <= 0) return 0;
        double best = double.PositiveInfinity;
        int since = 0, halvings = 0;
        foreach (double loss in monitored)
        {
            if (loss < best - options.MinDelta || double.IsPositiveInfinity(best)) { best = Math.Min(best, loss); since = 0; }
            else if (++since % options.DecayPatience == 0) halvings++;
        }
        return halvings;
    }

    /// <summary>Stops before the optimizer applies a non-finite loss or gradient, naming the step and the parameter.</summary>
    private static void CheckFinite(ITrainingTask task, float loss, int epoch, int batch)
    {
        string? bad = null;
        for (int i = 0; i < task.Parameters.Count && bad is null; i++)
        {
            // infinite when an element is not finite (or beyond ~1.8e19, whose float square overflows: a diverged step too)
            if (!double.IsFinite(task.Device.SumSquares(task.Parameters[i].Grad))) bad = task.ParameterNames[i];
        }
        if (float.IsFinite(loss) && bad is null) return;
        string what = float.IsFinite(loss) ? $"the gradient of '{bad}' is not finite (or beyond 1e19)"
            : $"loss is {loss}" + (bad is null ? "" : $", first non-finite gradient '{bad}'");
        throw new NumericFaultException(epoch + 1, batch + 1, what);
    }

    /// <summary>Fisher-Yates from the counter RNG: the order depends only on (seed, epoch).</summary>
    internal static void Shuffle(int[] order, ulong seed, ulong epoch)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(CounterRng.Uniform(seed, (epoch << 32) + (ulong)i) * (i + 1));
            if (j > i) j = i;
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static float[][] Snapshot(IReadOnlyList<Parameter> parameters) => [.. parameters.Select(p => p.Value.ToArray())];

    private static void Restore(IReadOnlyList<Parameter> parameters, float[][] weights)
    {
        for (int i = 0; i < weights.Length; i++) parameters[i].Value.CopyFrom(weights[i]);
    }

    private static string Report(int epoch, int firstEpoch, int epochs, double trainLoss, double? validLoss, long windows, double seconds, string? note)
    {
        double rate = windows / Math.Max(seconds, 1e-9);
        // the epoch cap's ETA: early stopping usually ends training well before it
        double eta = seconds / (epoch + 1 - firstEpoch) * (epochs - epoch - 1);
        string valid = validLoss is double v ? $" val {v:G4}" : "";
        string extra = note is null ? "" : ", " + note;
        return $"epoch {epoch + 1}/{epochs} loss {trainLoss:G4}{valid}{extra} {rate:F0} windows/s ETA {eta:F0}s at most";
    }

    /// <summary>Windows of a <see cref="TrainingSet"/> for an <see cref="IWindowModel"/>: a batch is copied into one
    /// host buffer per side, so the model always sees [B, T, F] of the same B.</summary>
    private sealed class WindowTask(IWindowModel model, TrainingSet train, TrainingSet? validation) : ITrainingTask
    {
        private float[] batchIn = [], batchTarget = [];

        public Backend Device => model.Device;
        public IReadOnlyList<Parameter> Parameters => model.Parameters;
        public IReadOnlyList<string> ParameterNames => model.ParameterNames;
        public int Count => train.Count;
        public bool HasValidation => validation is { Count: > 0 };

        public float Step(ReadOnlySpan<int> examples)
        {
            int stride = train.Stride, b = examples.Length;
            if (batchIn.Length != b * stride)
            {
                batchIn = new float[b * stride];
                batchTarget = new float[b * stride];
            }
            for (int j = 0; j < b; j++)
            {
                int w = examples[j];
                train.Inputs.AsSpan(w * stride, stride).CopyTo(batchIn.AsSpan(j * stride));
                train.Targets.AsSpan(w * stride, stride).CopyTo(batchTarget.AsSpan(j * stride));
            }
            return model.TrainStep(batchIn, batchTarget, b);
        }

        public double ValidationLoss(int batchSize) => Inference.Loss(model, validation!, batchSize);
    }
}
