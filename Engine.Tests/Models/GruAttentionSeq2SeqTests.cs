using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public class GruAttentionSeq2SeqTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (string name in new[] { "gru-attention-seq2seq", "gru-attention-seq2seq-reset" })
        {
            var r = ModelGradCheckCatalog.Models().Single(c => c.Name == name).Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    /// <summary>Greedy decoding must be the teacher-forced forward fed with its own argmax outputs: both paths step the
    /// same attention and decoder cell, so the teacher-forced logits' argmax reproduces the greedy tokens.</summary>
    [Theory, LocalBackends, CudaBackend]
    public void GreedyMatchesTeacherForcingOnItsOwnOutputs(string device)
    {
        var backend = TestBackends.Get(device);
        const int v = 7, tx = 4, ty = 3, b = 3, start = 1;
        foreach (var state in new[] { DecoderState.Carry, DecoderState.Reset })
        {
            using var model = new GruAttentionSeq2Seq(backend, v, embedding: 4, hidden: 5, state, seed: 11);
            int[] source = Enumerable.Range(0, tx * b).Select(i => 1 + (i * 5 + 2) % (v - 1)).ToArray();
            var predicted = new int[ty * b];
            model.Greedy(source, tx, ty, b, start, predicted);
            var decoderInput = new int[ty * b];
            for (int r = 0; r < b; r++) decoderInput[r] = start;
            Array.Copy(predicted, 0, decoderInput, b, (ty - 1) * b);
            float[] logits = model.Forward(source, decoderInput, tx, ty, b).ToArray();
            for (int n = 0; n < ty * b; n++)
            {
                var row = logits.AsSpan(n * v, v);
                int best = 0;
                for (int k = 1; k < v; k++) if (row[k] > row[best]) best = k;
                Assert.True(best == predicted[n], $"{state}: step {n / b} row {n % b}: greedy {predicted[n]}, teacher-forced argmax {best}");
            }
        }
    }

    [Fact]
    public void TinyKernelEventRunLearnsAndScoresEveryTrace()
    {
        var o = new KernelEventOptions
        {
            Embedding = 8, Hidden = 16, TrainTraces = 1, TrainTicks = 400, WindowsPerEpoch = 2048, Epochs = 2, Batch = 64,
            ValidationTraces = 1, ValidationTicks = 800, TestCleanTicks = 300, TestAnomalousTraces = 1, TestTicks = 1600, AnomaliesPerTrace = 2,
            Seed = 3,
        };
        var r = KernelEventExperiment.Run(TestBackends.Get("cpu"), o, null);
        Assert.Equal(2, r.Epochs.Count);
        Assert.True(r.Epochs[1].Loss < r.Epochs[0].Loss, $"loss did not fall: {r.Epochs[0].Loss} -> {r.Epochs[1].Loss}");
        Assert.Equal(r.ValidationMean + 3 * r.ValidationSd, r.Threshold, 12);
        Assert.Equal(2, r.Traces.Count);
        foreach (var t in r.Traces)
        {
            Assert.All(t.Rates, x => Assert.InRange(x, 0.0, 1.0));
            Assert.Equal(t.Rates.Length, t.Labels.Length);
        }
        Assert.DoesNotContain(true, r.Traces[0].Labels);
        Assert.Equal(2, r.Events.TrueSegments);
        Assert.True(r.Events.SegmentsHit >= 1, $"no injected window detected (threshold {r.Threshold})");
    }
}
