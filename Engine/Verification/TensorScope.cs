using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Verification;

/// <summary>Creates tensors on a backend and disposes them all together (checks and tests).</summary>
public sealed class TensorScope(Backend backend) : IDisposable
{
    private readonly List<Tensor> owned = new();

    public Backend Backend => backend;

    public Tensor Of(float[] values, params int[] shape) => Track(backend.FromArray(values, shape));

    public Tensor Zeros(params int[] shape) => Track(backend.Zeros(shape));

    private Tensor Track(Tensor t)
    {
        owned.Add(t);
        return t;
    }

    public void Dispose()
    {
        foreach (var t in owned) t.Dispose();
    }
}
