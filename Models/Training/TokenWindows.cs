using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;

namespace RnnEngine.Models.Training;

/// <summary>
/// Seed 004's teacher-forced examples for <see cref="GruAttentionSeq2Seq"/>: every stride-1 window of w events of the
/// traces, with the next w events as its target. Source = start + the w events (Tx = w + 1), decoder input = start +
/// the first w - 1 targets, loss = token cross-entropy with the padding id masked. No held-out loss: the token
/// detector keeps its held-out events for the threshold, and seed 004 trained for a fixed number of epochs.
/// </summary>
public sealed class TokenWindows : ITrainingTask, IDisposable
{
    private readonly GruAttentionSeq2Seq model;
    private readonly KernelEventTrace[] traces;
    private readonly (int Trace, int Start)[] positions;
    private readonly int window, startId;
    private readonly List<double> epochAccuracy = [];
    private readonly string[] names;
    private int[] src = [], dec = [], tgt = [];
    private TokenIds? targets;
    private Tensor? dLogits, dLogitsSteps;
    private double accuracySum;
    private int epochSteps;

    public TokenWindows(GruAttentionSeq2Seq model, IReadOnlyList<KernelEventTrace> traces, int window, int startId)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), $"window {window}, expected >= 1");
        this.model = model;
        this.traces = [.. traces];
        this.window = window;
        this.startId = startId;
        var p = new List<(int, int)>();
        for (int t = 0; t < this.traces.Length; t++)
            for (int s = 0; s + 2 * window <= this.traces[t].Length; s++) p.Add((t, s));
        positions = [.. p];
        names = [.. model.ParameterNames];
    }

    public Backend Device => model.Device;
    public IReadOnlyList<Parameter> Parameters => model.Parameters;
    public IReadOnlyList<string> ParameterNames => names;
    public int Count => positions.Length;
    public bool HasValidation => false;

    /// <summary>Optimizer steps taken so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Mean token accuracy of each finished epoch (teacher forced, over the epoch's batches).</summary>
    public IReadOnlyList<double> EpochAccuracy => epochAccuracy;

    public float Step(ReadOnlySpan<int> examples)
    {
        int w = window, tx = w + 1, ty = w, b = examples.Length, v = model.Vocabulary;
        if (src.Length != tx * b)
        {
            targets?.Dispose();
            dLogits?.Dispose();
            src = new int[tx * b];
            dec = new int[ty * b];
            tgt = new int[ty * b];
            targets = Device.Ids(ty * b);
            dLogits = Device.Zeros(ty * b, v);
            dLogitsSteps = dLogits.Reshape(ty, b, v);
        }
        for (int r = 0; r < b; r++)
        {
            var (t, p) = positions[examples[r]];
            int[] ids = traces[t].Ids;
            src[r] = startId;
            dec[r] = startId;
            for (int k = 0; k < w; k++)
            {
                src[(k + 1) * b + r] = ids[p + k];
                tgt[k * b + r] = ids[p + w + k];
                if (k + 1 < ty) dec[(k + 1) * b + r] = ids[p + w + k];
            }
        }
        var logits = model.Forward(src, dec, tx, ty, b);
        targets!.CopyFrom(tgt);
        float loss = Device.SoftmaxCrossEntropy(logits.Reshape(ty * b, v), targets, KernelEventVocabulary.Padding, dLogits, out float acc);
        model.Backward(dLogitsSteps!);
        accuracySum += acc;
        epochSteps++;
        Steps++;
        return loss;
    }

    public double ValidationLoss(int batchSize) => throw new NotSupportedException("token windows carry no held-out set");

    public string? EndEpoch()
    {
        double accuracy = epochSteps == 0 ? double.NaN : accuracySum / epochSteps;
        epochAccuracy.Add(accuracy);
        accuracySum = 0;
        epochSteps = 0;
        return $"token accuracy {accuracy:F4}";
    }

    /// <summary>Trains <paramref name="model"/> on the windows of <paramref name="traces"/> through
    /// <see cref="Trainer.Fit(ITrainingTask, TrainOptions, TextWriter?, TrainingState?, Action{TrainingState}?)"/>.</summary>
    /// <returns>each epoch's mean loss and token accuracy, and the optimizer steps taken</returns>
    public static (IReadOnlyList<(double Loss, double Accuracy)> Epochs, int Steps) Fit(GruAttentionSeq2Seq model, IReadOnlyList<KernelEventTrace> traces,
        int window, int startId, TrainOptions options, TextWriter? progress)
    {
        using var task = new TokenWindows(model, traces, window, startId);
        if (task.Count == 0) throw new ArgumentException($"token windows: no trace holds {2 * window} events (a window and its target)");
        TrainReport report = Trainer.Fit(task, options, progress);
        return ([.. report.TrainLosses.Select((loss, e) => (loss, task.EpochAccuracy[e]))], task.Steps);
    }

    public void Dispose()
    {
        targets?.Dispose();
        dLogits?.Dispose();
    }
}
