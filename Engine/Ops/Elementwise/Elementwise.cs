using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

public abstract partial class Backend
{
    /// <summary>Throws naming the op when <paramref name="t"/> lives on another backend.</summary>
    protected void RequireOn(string op, Tensor t, string what)
    {
        if (t.Device != this)
            throw new ArgumentException($"{op}: {what} {t.ShapeString} lives on '{t.Device.Name}', the op runs on '{Name}'");
    }

    /// <summary>x[i] = value.</summary>
    public void Fill(Tensor x, float value)
    {
        RequireOn("fill", x, "x");
        if (x.Length > 0) FillCore(x, value);
    }

    /// <summary>dst = src (same element count; shapes may differ, e.g. a [B, H] view of a [1, B, H] tensor).</summary>
    public void Copy(Tensor src, Tensor dst)
    {
        RequireSameShape("copy", src, "src", dst, "dst");
        if (src.Length > 0) CopyCore(src, dst);
    }

    /// <summary>y = a + b elementwise; y may alias a or b.</summary>
    public void Add(Tensor a, Tensor b, Tensor y)
    {
        RequireSameShape("add", a, "a", b, "b");
        RequireSameShape("add", a, "a", y, "y");
        if (y.Length > 0) AddCore(a, b, y);
    }

    /// <summary>y = a * b elementwise; y may alias a or b.</summary>
    public void Mul(Tensor a, Tensor b, Tensor y)
    {
        RequireSameShape("mul", a, "a", b, "b");
        RequireSameShape("mul", a, "a", y, "y");
        if (y.Length > 0) MulCore(a, b, y);
    }

    /// <summary>y += alpha * x.</summary>
    public void Axpy(float alpha, Tensor x, Tensor y)
    {
        RequireSameShape("axpy", x, "x", y, "y");
        if (y.Length > 0) AxpyCore(alpha, x, y);
    }

    /// <summary>x *= alpha.</summary>
    public void Scale(Tensor x, float alpha)
    {
        RequireOn("scale", x, "x");
        if (x.Length > 0) ScaleCore(x, alpha);
    }

    protected abstract void FillCore(Tensor x, float value);
    protected abstract void CopyCore(Tensor src, Tensor dst);
    protected abstract void AddCore(Tensor a, Tensor b, Tensor y);
    protected abstract void MulCore(Tensor a, Tensor b, Tensor y);
    protected abstract void AxpyCore(float alpha, Tensor x, Tensor y);
    protected abstract void ScaleCore(Tensor x, float alpha);
}
