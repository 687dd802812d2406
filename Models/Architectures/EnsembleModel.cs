using RnnEngine.Engine;
using RnnEngine.Engine.Layers;

namespace RnnEngine.Models.Architectures;

/// <summary>
/// K networks of one architecture from K seeds whose outputs are averaged: the error of the mean prediction varies
/// less from seed to seed than any member's, so the score ranks the same rows high whichever seed trained it. The
/// members train one after another (<see cref="Members"/>); <see cref="TrainStep"/> is not used. Parameters are the
/// members' in order, named "m{k}." + the member's own names.
/// </summary>
public sealed class EnsembleModel : IWindowModel
{
    private readonly IWindowModel[] members;
    private float[] buffer = [];

    public EnsembleModel(IReadOnlyList<IWindowModel> members)
    {
        if (members.Count < 2) throw new ArgumentException("an ensemble needs at least 2 members");
        if (members.Any(m => m.Window != members[0].Window || m.Features != members[0].Features || m.Kind != members[0].Kind))
            throw new ArgumentException("ensemble members must share kind, window and features");
        this.members = [.. members];
        Parameters = [.. members.SelectMany(m => m.Parameters)];
        ParameterNames = [.. members.SelectMany((m, k) => m.ParameterNames.Select(n => $"m{k}.{n}"))];
    }

    public IReadOnlyList<IWindowModel> Members => members;
    public string Kind => members[0].Kind;
    public Backend Device => members[0].Device;
    public int Window => members[0].Window;
    public int Features => members[0].Features;
    public IReadOnlyList<Parameter> Parameters { get; }
    public IReadOnlyList<string> ParameterNames { get; }

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, int batch) =>
        throw new InvalidOperationException("an ensemble trains its members one by one");

    public void Predict(ReadOnlySpan<float> input, int batch, Span<float> output)
    {
        if (buffer.Length != output.Length) buffer = new float[output.Length];
        members[0].Predict(input, batch, output);
        for (int k = 1; k < members.Length; k++)
        {
            members[k].Predict(input, batch, buffer);
            for (int i = 0; i < output.Length; i++) output[i] += buffer[i];
        }
        float inv = 1f / members.Length;
        for (int i = 0; i < output.Length; i++) output[i] *= inv;
    }

    public void Dispose()
    {
        foreach (IWindowModel m in members) m.Dispose();
    }
}
