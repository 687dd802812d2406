using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

public class EmbeddingTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (var check in GradCheckCatalog.Engine().Where(c => c.Name is "embedding" or "cross-entropy"))
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    [Theory, LocalBackends, CudaBackend]
    public void PaddingRowIsZeroAndGetsNoGradient(string device)
    {
        var backend = TestBackends.Get(device);
        using var emb = new Embedding(backend, 6, 4, paddingId: 0, seed: 3);
        float[] table = emb.Weight.Value.ToArray();
        Assert.All(table[..4], v => Assert.Equal(0f, v));
        Assert.Contains(table[4..], v => v != 0);
        int[] ids = [0, 5, 2, 0, 5, 5];
        using var tIds = backend.Ids(ids);
        using var s = new TensorScope(backend);
        var y = s.Zeros(2, 3, 4);
        emb.Forward(tIds, y);
        double[] expected = new double[ids.Length * 4];
        Reference.EmbeddingGather(4, Data.ToDouble(table), ids, expected);
        Data.Close(expected, y.ToArray(), Tolerances.Pointwise, $"embedding on {device}");

        double[] dy = Data.Uniform(5, ids.Length * 4);
        double[] dTable = new double[6 * 4];
        Reference.EmbeddingBackward(4, ids, dy, dTable, skipId: 0);
        emb.Backward(s.Of(Data.ToFloat(dy), 6, 4));
        emb.Backward(s.Of(Data.ToFloat(dy), 6, 4));  // accumulates
        Data.Close(dTable.Select(v => 2 * v).ToArray(), emb.Weight.Grad.ToArray(), Tolerances.Pointwise, $"embedding grad on {device}");
        Assert.All(emb.Weight.Grad.ToArray()[..4], v => Assert.Equal(0f, v));
    }

    [Theory, LocalBackends, CudaBackend]
    public void CrossEntropyMatchesReferenceWithAccuracy(string device)
    {
        var backend = TestBackends.Get(device);
        // On cpu a vocabulary of 37 covers two Vector512 chunks and a tail.
        const int n = 7, pad = 0;
        int v = device == "ilgpu-cpu" ? 9 : 37;
        double[] logits = Data.Uniform(2, n * v, -3, 3);
        int[] targets = [1, 0, 8, 3, 0, 4, 2];
        // Make two rows right: their target is the argmax.
        logits[0 * v + 1] = 10; logits[5 * v + 4] = 10;
        double[] grad = new double[n * v];
        double loss = Reference.SoftmaxCrossEntropy(n, v, logits, targets, pad, grad, out double accuracy);
        Assert.True(accuracy >= 2.0 / 5);

        using var s = new TensorScope(backend);
        using var ids = backend.Ids(targets);
        var tGrad = s.Of(Enumerable.Repeat(float.NaN, n * v).ToArray(), n, v);
        float got = backend.SoftmaxCrossEntropy(s.Of(Data.ToFloat(logits), n, v), ids, pad, tGrad, out float acc);
        Assert.True(Tolerances.Reduction.Accepts(got, loss), $"loss {got} vs {loss} on {device}");
        Assert.Equal(accuracy, acc, 6);
        Data.Close(grad, tGrad.ToArray(), Tolerances.Reduction, $"cross-entropy grad on {device}");

        using var allPad = backend.Ids(new int[n]);
        Assert.Equal(0f, backend.SoftmaxCrossEntropy(s.Of(Data.ToFloat(logits), n, v), allPad, pad, tGrad, out acc));
        Assert.All(tGrad.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void BadIdsThrowNamingOpAndShapes()
    {
        var backend = TestBackends.Get("cpu");
        using var emb = new Embedding(backend, 5, 3);
        using var s = new TensorScope(backend);
        using var ids = backend.Ids([1, 5]);
        var e = Assert.Throws<ArgumentException>(() => emb.Forward(ids, s.Zeros(2, 3)));
        Assert.Contains("embedding", e.Message);
        Assert.Contains("[5, 3]", e.Message);
        using var ok = backend.Ids([1, 2]);
        e = Assert.Throws<ArgumentException>(() => emb.Forward(ok, s.Zeros(2, 4)));
        Assert.Contains("[2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.SoftmaxCrossEntropy(s.Zeros(3, 4), ok, 0, null, out _));
        Assert.Contains("cross-entropy", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.SoftmaxCrossEntropy(s.Zeros(2, 2), ok, 0, null, out _));
        Assert.Contains("target 2", e.Message);
    }
}
