using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

public class ElementwiseTests
{
    // Odd lengths: below one vector, between 256- and 512-bit multiples, and past several vectors, so every tail runs.
    public static readonly int[] Sizes = [1, 7, 33, 77];

    [Theory, LocalBackends, CudaBackend]
    public void AddMulAxpyScaleMatchReference(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (int n in Sizes)
        {
            double[] a = Data.Uniform(1, n), b = Data.Uniform(2, n);
            using var s = new TensorScope(backend);
            var ta = s.Of(Data.ToFloat(a), n);
            var tb = s.Of(Data.ToFloat(b), n);
            var y = s.Zeros(n);

            var expected = new double[n];
            Reference.Add(a, b, expected);
            backend.Add(ta, tb, y);
            Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"add n={n} on {device}");

            Reference.Mul(a, b, expected);
            backend.Mul(ta, tb, y);
            Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"mul n={n} on {device}");

            // y still holds a*b: y += -0.75 a.
            Reference.Axpy(-0.75, a, expected);
            backend.Axpy(-0.75f, ta, y);
            Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"axpy n={n} on {device}");

            Reference.Scale(expected, 1.5);
            backend.Scale(y, 1.5f);
            Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"scale n={n} on {device}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void FillAndCopyOnViews(string device)
    {
        var backend = TestBackends.Get(device);
        using var s = new TensorScope(backend);
        var t = s.Of(Data.ToFloat(Data.Uniform(3, 3 * 33)), 3, 33);
        // Fill the middle row only, then copy row 0 over row 2: views must respect their offsets.
        backend.Fill(t.At(1), 2.5f);
        backend.Copy(t.At(0), t.At(2));
        float[] r = t.ToArray();
        for (int j = 0; j < 33; j++)
        {
            Assert.Equal(2.5f, r[33 + j]);
            Assert.Equal(r[j], r[66 + j]);
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void AddAndMulMayAliasTheirOutput(string device)
    {
        var backend = TestBackends.Get(device);
        double[] a = Data.Uniform(4, 33), b = Data.Uniform(5, 33);
        using var s = new TensorScope(backend);
        var ta = s.Of(Data.ToFloat(a), 33);
        var tb = s.Of(Data.ToFloat(b), 33);
        backend.Add(ta, tb, ta);
        backend.Mul(ta, tb, tb);
        var sum = new double[33];
        Reference.Add(a, b, sum);
        var prod = new double[33];
        Reference.Mul(sum, b, prod);
        Data.Close(sum, ta.ToArray(), Tolerances.Pointwise, "a = a + b");
        Data.Close(prod, tb.ToArray(), Tolerances.Pointwise, "b = a * b");
    }

    [Fact]
    public void ShapeMismatchNamesOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() => backend.Add(s.Zeros(3, 4), s.Zeros(3, 5), s.Zeros(3, 4)));
        Assert.Contains("add", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[3, 5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.Mul(s.Zeros(2), s.Zeros(2), s.Zeros(7)));
        Assert.Contains("mul", e.Message);
        Assert.Contains("[7]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.Axpy(1f, s.Zeros(6), s.Zeros(5)));
        Assert.Contains("axpy", e.Message);
        Assert.Contains("[6]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.Copy(s.Zeros(2, 2), s.Zeros(5)));
        Assert.Contains("copy", e.Message);
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void TensorOfAnotherBackendIsRejected()
    {
        var cpu = TestBackends.Get("cpu");
        var sim = TestBackends.Get("ilgpu-cpu");
        using var s = new TensorScope(cpu);
        using var o = new TensorScope(sim);
        var e = Assert.Throws<ArgumentException>(() => cpu.Scale(o.Zeros(3), 2f));
        Assert.Contains("scale", e.Message);
        Assert.Contains("ilgpu-cpu", e.Message);
    }
}
