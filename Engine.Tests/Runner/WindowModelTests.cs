using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Training;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>
/// The window models end to end: every parameter gradient of a TrainStep against central differences of the model's
/// own loss, EncDec-AD's decoding modes, and that training lowers the loss.
/// </summary>
public class WindowModelTests
{
    private const int T = 4, F = 2, B = 3, H = 3;

    public static IEnumerable<object[]> Models() =>
        from device in new[] { "cpu", "ilgpu-cpu" }
        from kind in new[] { "encdec-ad", "lstm-ae", "gru-ae", "fc-ae" }
        select new object[] { device, kind };

    private static IWindowModel Build(string device, string kind) => kind switch
    {
        "encdec-ad" => new EncDecAd(TestBackends.Get(device), T, F, H, seed: 3),
        "lstm-ae" => new RecurrentAutoencoder(TestBackends.Get(device), RecurrentCell.Lstm, T, F, H, seed: 3),
        "gru-ae" => new RecurrentAutoencoder(TestBackends.Get(device), RecurrentCell.Gru, T, F, H, seed: 3),
        _ => new FcAutoencoder(TestBackends.Get(device), T, F, [5, 3, 5], seed: 3),
    };

    [Theory, MemberData(nameof(Models))]
    public void TrainStepGradientsMatchFiniteDifferences(string device, string kind)
    {
        using var model = Build(device, kind);
        float[] x = Data.ToFloat(Data.Uniform(11, B * T * F));
        // encdec-ad reconstructs its input; the others are given a different target to exercise that path
        float[] target = kind == "encdec-ad" ? x : Data.ToFloat(Data.Uniform(12, B * T * F));
        foreach (var p in model.Parameters) p.ZeroGrad();
        float loss = model.TrainStep(x, target, B);
        Assert.True(Math.Abs(loss - Loss(model, x, target)) <= 1e-5 + 1e-4 * loss, $"{kind}: TrainStep loss {loss} vs Predict loss {Loss(model, x, target)}");

        double center = Loss(model, x, target);
        int checkedEntries = 0, kinks = 0;
        foreach (var p in model.Parameters)
        {
            float[] grad = p.Grad.ToArray();
            float[] value = p.Value.ToArray();
            // a few entries per parameter keep the ilgpu-cpu run short
            for (int i = 0; i < value.Length; i += Math.Max(1, value.Length / 4))
            {
                float keep = value[i];
                float h = Tolerances.ModelFiniteDifferenceStep;
                value[i] = keep + h; p.Value.CopyFrom(value);
                double up = Loss(model, x, target);
                value[i] = keep - h; p.Value.CopyFrom(value);
                double down = Loss(model, x, target);
                value[i] = keep; p.Value.CopyFrom(value);
                double numeric = (up - down) / (2 * h);
                // a leaky-ReLU kink inside [w - h, w + h] makes the one-sided slopes disagree: skip it (ggml does too)
                double right = (up - center) / h, left = (center - down) / h;
                if (!Tolerances.ModelGradient.Accepts(right, left)) { kinks++; continue; }
                checkedEntries++;
                Assert.True(Tolerances.ModelGradient.Accepts(grad[i], numeric),
                    $"{kind} on {device}: d loss / d {p.Name}[{i}] analytic {grad[i]:G6}, finite differences {numeric:G6}");
            }
        }
        Assert.True(kinks * 5 <= checkedEntries, $"{kind}: {kinks} entries skipped at kinks, only {checkedEntries} checked");
    }

    [Fact]
    public void FreeDecodingSharesOnlyTheFirstDecoderStepWithTeacherForcing()
    {
        using var model = new EncDecAd(TestBackends.Get("cpu"), T, F, H, seed: 5);
        float[] x = Data.ToFloat(Data.Uniform(13, B * T * F));
        var teacher = new float[x.Length];
        var free = new float[x.Length];
        model.Predict(x, B, teacher);
        model.Decode = DecodeMode.Free;
        model.Predict(x, B, free);
        for (int b = 0; b < B; b++)
        {
            // the first decoder step (fed ones) estimates the last row, identical in both modes
            for (int f = 0; f < F; f++)
                Assert.Equal(teacher[(b * T + T - 1) * F + f], free[(b * T + T - 1) * F + f]);
        }
        double diff = 0;
        for (int i = 0; i < x.Length; i++) diff += Math.Abs(teacher[i] - free[i]);
        Assert.True(diff > 1e-4, "free decoding fed its own outputs yet produced the teacher-forced reconstruction");
    }

    [Theory]
    [InlineData("encdec-ad")]
    [InlineData("lstm-ae")]
    [InlineData("gru-ae")]
    [InlineData("fc-ae")]
    public void TrainingLowersTheValidationLoss(string kind)
    {
        using var model = Build("cpu", kind);
        int n = 24;
        var windows = new float[n * T * F];
        for (int w = 0; w < n; w++)
            for (int t = 0; t < T; t++)
                for (int f = 0; f < F; f++)
                    windows[(w * T + t) * F + f] = MathF.Sin(0.7f * (w + t) + f);
        var all = TrainingSet.Reconstruction(windows, T, F);
        var valid = all.Range(18, 6);
        double before = Inference.Loss(model, valid);
        var report = Trainer.Fit(model, all.Range(0, 18), valid, new TrainOptions { Epochs = 60, BatchSize = 6, LearningRate = 0.01f, Patience = 100 }, null);
        double after = Inference.Loss(model, valid);
        Assert.True(after < 0.5 * before, $"{kind}: validation loss {before:G4} -> {after:G4} after {report.EpochsRun} epochs");
        Assert.Equal(report.BestLoss, after, 5);
    }

    [Fact]
    public void ShuffleIsASeededPermutation()
    {
        var a = new int[50];
        var b = new int[50];
        Trainer.Shuffle(a, 7, 3);
        Trainer.Shuffle(b, 7, 3);
        Assert.Equal(a, b);
        Assert.Equal(Enumerable.Range(0, 50), a.OrderBy(v => v));
        Trainer.Shuffle(b, 7, 4);
        Assert.NotEqual(a, b);
    }

    private static double Loss(IWindowModel model, float[] x, float[] target)
    {
        var output = new float[x.Length];
        model.Predict(x, B, output);
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += (output[i] - (double)target[i]) * (output[i] - target[i]);
        return sum / output.Length;
    }
}
