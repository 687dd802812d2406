namespace RnnEngine.Engine.Tensors;

/// <summary>
/// Reuses tensors by shape so that a training loop allocates nothing per step once warmed up: the first step rents
/// and allocates, later steps find the same shapes returned and take them back.
/// </summary>
public sealed class TensorPool : IDisposable
{
    private readonly Backend device;
    private readonly Dictionary<ShapeKey, Stack<Tensor>> free = new();
    private readonly List<Tensor> all = new();

    public TensorPool(Backend device) => this.device = device;

    /// <summary>Tensors this pool has created so far (the pool's allocation count).</summary>
    public int Allocated => all.Count;

    public Tensor Rent(params ReadOnlySpan<int> shape)
    {
        var key = ShapeKey.Of(shape);
        if (free.TryGetValue(key, out var stack) && stack.Count > 0) return stack.Pop();
        var t = device.Zeros(shape.ToArray());
        all.Add(t);
        return t;
    }

    public void Return(Tensor tensor)
    {
        if (tensor.Device != device) throw new ArgumentException($"tensor on '{tensor.Device.Name}' returned to a '{device.Name}' pool");
        var key = ShapeKey.Of(tensor.Shape);
        if (!free.TryGetValue(key, out var stack)) free[key] = stack = new Stack<Tensor>();
        stack.Push(tensor);
    }

    /// <summary>A shape as a value (up to rank 5), so renting hashes without allocating.</summary>
    private readonly record struct ShapeKey(int Rank, int D0, int D1, int D2, int D3, int D4)
    {
        public static ShapeKey Of(ReadOnlySpan<int> s)
        {
            if (s.Length > 5) throw new ArgumentException($"TensorPool supports rank <= 5, got rank {s.Length}");
            Span<int> d = stackalloc int[5];
            s.CopyTo(d);
            return new ShapeKey(s.Length, d[0], d[1], d[2], d[3], d[4]);
        }
    }

    public void Dispose()
    {
        foreach (var t in all) t.Dispose();
        all.Clear();
        free.Clear();
    }
}
