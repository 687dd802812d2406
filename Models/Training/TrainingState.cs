using System.Globalization;
using System.Text.Json;
using RnnEngine.Engine.IO;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Optim;

namespace RnnEngine.Models.Training;

/// <summary>
/// Everything <see cref="Trainer.Fit"/> needs to go on after a finished epoch as if it had never stopped: the weights,
/// the optimizer's state tensors (Adam m and v) and update count, the next epoch, the best validation loss so far with
/// its epoch and weights, and the loss history. Saved as a checksummed, crash-safe safetensors file.
/// </summary>
public sealed record TrainingState(int NextEpoch, int OptimizerSteps, double Best, int BestEpoch, double[] TrainLosses, double[] ValidationLosses,
    float[][] Weights, float[][]? BestWeights, float[][] OptimizerState)
{
    public const string FormatTag = "rnnengine-training-state";

    /// <summary>What the run that saved it trained on and with (the CLI's hash of settings and data), so a resume with
    /// other settings or data is refused; null in states written before it was kept.</summary>
    public string? Fingerprint { get; init; }

    internal static TrainingState Capture(IReadOnlyList<Parameter> parameters, Optimizer optimizer, int nextEpoch, double best, int bestEpoch,
        List<double> trainLosses, List<double> validLosses, float[][]? bestWeights) =>
        new(nextEpoch, optimizer.Steps, best, bestEpoch, [.. trainLosses], [.. validLosses],
            [.. parameters.Select(p => p.Value.ToArray())], bestWeights, [.. optimizer.State.Select(t => t.ToArray())]);

    internal void Restore(IReadOnlyList<Parameter> parameters, Optimizer optimizer)
    {
        if (Weights.Length != parameters.Count || OptimizerState.Length != optimizer.State.Count)
            throw new ArgumentException($"training state holds {Weights.Length} parameters and {OptimizerState.Length} optimizer tensors, the model has {parameters.Count} and {optimizer.State.Count}");
        for (int i = 0; i < Weights.Length; i++) parameters[i].Value.CopyFrom(Weights[i]);
        for (int i = 0; i < OptimizerState.Length; i++) optimizer.State[i].CopyFrom(OptimizerState[i]);
        optimizer.RestoreSteps(OptimizerSteps);
    }

    public void Save(string path)
    {
        var arrays = new List<NamedArray>();
        void Add(string prefix, float[][] values)
        {
            for (int i = 0; i < values.Length; i++) arrays.Add(new NamedArray($"{prefix}.{i}", [values[i].Length], values[i]));
        }
        Add("weight", Weights);
        Add("optimizer", OptimizerState);
        if (BestWeights is not null) Add("best", BestWeights);
        var meta = new Dictionary<string, string>
        {
            ["format"] = FormatTag,
            ["state"] = JsonSerializer.Serialize(new Dto(NextEpoch, OptimizerSteps, Best.ToString("R", CultureInfo.InvariantCulture), BestEpoch,
                Weights.Length, OptimizerState.Length, BestWeights is not null,
                [.. TrainLosses.Select(x => x.ToString("R", CultureInfo.InvariantCulture))], [.. ValidationLosses.Select(x => x.ToString("R", CultureInfo.InvariantCulture))])),
        };
        if (Fingerprint is not null) meta["fingerprint"] = Fingerprint;
        SafeTensors.Write(path, arrays, meta);
    }

    /// <exception cref="SafeTensorsFormatException">a missing, truncated, corrupt or foreign file</exception>
    public static TrainingState Load(string path)
    {
        if (!File.Exists(path)) throw new SafeTensorsFormatException(path, "no training state to resume from (train without --resume first)");
        SafeTensorsContent c = SafeTensors.Read(path);
        if (!c.Checksummed) throw new SafeTensorsFormatException(path, $"no content checksum (metadata '{SafeTensors.ChecksumKey}')");
        if (!c.Metadata.TryGetValue("format", out string? f) || f != FormatTag || !c.Metadata.TryGetValue("state", out string? json))
            throw new SafeTensorsFormatException(path, $"not a training state (metadata 'format' is not '{FormatTag}')");
        Dto d;
        try { d = JsonSerializer.Deserialize<Dto>(json) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new SafeTensorsFormatException(path, "bad training-state metadata: " + e.Message); }
        float[][] Get(string prefix, int count)
        {
            var r = new float[count][];
            for (int i = 0; i < count; i++)
                r[i] = c.Tensors.TryGetValue($"{prefix}.{i}", out NamedArray? a) ? a.Data : throw new SafeTensorsFormatException(path, $"no tensor '{prefix}.{i}'");
            return r;
        }
        static double P(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        return new TrainingState(d.NextEpoch, d.Steps, P(d.Best), d.BestEpoch, [.. d.TrainLosses.Select(P)], [.. d.ValidationLosses.Select(P)],
            Get("weight", d.Weights), d.HasBest ? Get("best", d.Weights) : null, Get("optimizer", d.OptimizerTensors))
        {
            Fingerprint = c.Metadata.TryGetValue("fingerprint", out string? fp) ? fp : null,
        };
    }

    private sealed record Dto(int NextEpoch, int Steps, string Best, int BestEpoch, int Weights, int OptimizerTensors, bool HasBest,
        string[] TrainLosses, string[] ValidationLosses);
}
