using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// Scratch tensors and cached views for the faces of whole-sequence ops: made at the first call for a shape and reused,
/// so a training step allocates nothing once every shape has been seen (a multi-layer model keeps one per shape).
/// </summary>
public abstract partial class Backend
{
    private readonly Dictionary<(int Slot, int Rows, int Cols), Tensor> scratch = new();
    private readonly Dictionary<(Tensor Source, int Offset, int Rows, int Cols), Tensor> views = new();

    /// <summary>Scratch [rows, cols] of a slot (one per distinct use inside an op); contents undefined on return.</summary>
    internal Tensor Scratch(int slot, int rows, int cols)
    {
        if (!scratch.TryGetValue((slot, rows, cols), out var t))
        {
            t = Zeros(rows, cols);
            scratch[(slot, rows, cols)] = t;
        }
        return t;
    }

    /// <summary>The [rows, cols] view of source starting at element offset, made once per source tensor.</summary>
    internal Tensor View(Tensor source, int offset, int rows, int cols)
    {
        if (!views.TryGetValue((source, offset, rows, cols), out var v))
        {
            // Views of tensors that have been dropped would pile up: a long run meets a bounded set of buffers, so a
            // large count means callers hand in fresh tensors every time; start over then.
            if (views.Count > 4096) views.Clear();
            v = source.Slice(offset, rows, cols);
            views[(source, offset, rows, cols)] = v;
        }
        return v;
    }

    protected void DisposeScratch()
    {
        foreach (var t in scratch.Values) t.Dispose();
        scratch.Clear();
        views.Clear();
    }
}
