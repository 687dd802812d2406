using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Optim;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Optim;

/// <summary>
/// Each optimizer runs five steps with fixed gradients on each backend, against the float64 reference of its rule applied
/// to the same (float-rounded) starting values and gradients. Parameter lengths 1, 7 and 33 exercise the SIMD tails.
/// </summary>
public class OptimizerTests
{
    private static readonly int[][] Shapes = [[1], [7], [3, 11]];
    private const int StepCount = 5;

    public static IEnumerable<object[]> Cases()
    {
        foreach (string device in new[] { "cpu", "ilgpu-cpu" })
        foreach (string kind in new[] { "adam", "rmsprop", "sgd" })
        {
            yield return [device, kind, 0f, 0f, 0f];          // the plain rule
            yield return [device, kind, 0.5f, 0.3f, 0.01f];   // clipping that triggers, lr decay, weight decay
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void StepsMatchFloat64Reference(string device, string kind, float maxNorm, float decay, float weightDecay) =>
        Run(device, kind, maxNorm, decay, weightDecay);

    [Theory, CudaBackend]
    public void StepsMatchFloat64ReferenceOnCuda(string device)
    {
        foreach (var c in Cases().Where(c => (string)c[0] == "cpu"))
            Run(device, (string)c[1], (float)c[2], (float)c[3], (float)c[4]);
    }

    private static void Run(string device, string kind, float maxNorm, float decay, float weightDecay)
    {
        var backend = TestBackends.Get(device);
        const float lr = 0.01f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, alpha = 0.99f, momentum = 0.9f;
        var parameters = new List<Parameter>();
        try
        {
            double[][] p = new double[Shapes.Length][], s1 = new double[Shapes.Length][], s2 = new double[Shapes.Length][];
            for (int k = 0; k < Shapes.Length; k++)
            {
                var param = new Parameter(backend, "p" + k, Shapes[k]);
                float[] init = Data.ToFloat(Data.Uniform(k + 1, param.Length));
                param.Value.CopyFrom(init);
                parameters.Add(param);
                p[k] = Data.ToDouble(init);
                s1[k] = new double[param.Length];
                s2[k] = new double[param.Length];
            }
            using Optimizer opt = kind switch
            {
                "adam" => new Adam(backend, parameters, lr, beta1, beta2, eps, weightDecay, maxNorm, decay),
                "rmsprop" => new RmsProp(backend, parameters, lr, alpha, eps, weightDecay, maxNorm, decay),
                _ => new Sgd(backend, parameters, lr, momentum, weightDecay, maxNorm, decay),
            };

            for (int step = 1; step <= StepCount; step++)
            {
                var grads = new double[Shapes.Length][];
                double sum = 0;
                for (int k = 0; k < Shapes.Length; k++)
                {
                    float[] g = Data.ToFloat(Data.Uniform(100 * step + k, parameters[k].Length, -2, 2));
                    parameters[k].Grad.CopyFrom(g);
                    grads[k] = Data.ToDouble(g);
                    sum += Reference.SumSquares(grads[k]);
                }
                opt.Step();

                double scale = maxNorm > 0 ? Reference.ClipFactor(sum, maxNorm) : 1;
                double lrT = Reference.DecayedLearningRate(lr, decay, step - 1);
                if (maxNorm > 0)
                    Data.Close([Math.Sqrt(sum)], [opt.LastGradNorm], Tolerances.Reduction, $"{kind} gradient norm at step {step} on {device}");
                for (int k = 0; k < Shapes.Length; k++)
                {
                    switch (kind)
                    {
                        case "adam": Reference.AdamUpdate(p[k], grads[k], s1[k], s2[k], lrT, beta1, beta2, eps, step, weightDecay, scale); break;
                        case "rmsprop": Reference.RmsPropUpdate(p[k], grads[k], s1[k], lrT, alpha, eps, weightDecay, scale); break;
                        default: Reference.SgdUpdate(p[k], grads[k], s1[k], lrT, momentum, weightDecay, scale); break;
                    }
                    Data.Close(p[k], parameters[k].Value.ToArray(), Tolerances.Optimizer,
                        $"{kind} (clip {maxNorm}, decay {decay}, wd {weightDecay}) p{k} after step {step} on {device}");
                    // The step reads the gradients and leaves them as they were.
                    Assert.Equal(Data.ToFloat(grads[k]), parameters[k].Grad.ToArray());
                }
            }
            Assert.Equal(StepCount, opt.Steps);
            opt.ZeroGrad();
            foreach (var param in parameters) Assert.All(param.Grad.ToArray(), g => Assert.Equal(0f, g));
        }
        finally
        {
            foreach (var param in parameters) param.Dispose();
        }
    }

    [Fact]
    public void UpdateOpsNameShapeMismatches()
    {
        var backend = TestBackends.Get("cpu");
        using var s = new TensorScope(backend);
        var e = Assert.Throws<ArgumentException>(() =>
            backend.AdamUpdate(s.Zeros(3, 4), s.Zeros(3, 4), s.Zeros(3, 4), s.Zeros(5), 0.1f, 0.9f, 0.999f, 1e-8f, 1));
        Assert.Contains("adam-update", e.Message);
        Assert.Contains("[3, 4]", e.Message);
        Assert.Contains("[5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.RmsPropUpdate(s.Zeros(2), s.Zeros(3), s.Zeros(2), 0.1f, 0.99f, 1e-8f));
        Assert.Contains("rmsprop-update", e.Message);
        Assert.Contains("[3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => backend.SgdUpdate(s.Zeros(2), s.Zeros(2), s.Zeros(6), 0.1f, 0.9f));
        Assert.Contains("sgd-update", e.Message);
        Assert.Contains("[6]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            backend.AdamUpdate(s.Zeros(2), s.Zeros(2), s.Zeros(2), s.Zeros(2), 0.1f, 0.9f, 0.999f, 1e-8f, 0));
    }

    [Fact]
    public void LearningRateDecaysWithInverseTime()
    {
        var backend = TestBackends.Get("cpu");
        using var param = new Parameter(backend, "w", 3);
        using var opt = new Sgd(backend, [param], lr: 0.1f, lrDecay: 0.5f);
        Assert.Equal(0.1f, opt.CurrentLearningRate);
        opt.Step();
        opt.Step();
        Assert.Equal((float)(0.1 / (1 + 0.5 * 2)), opt.CurrentLearningRate);
    }
}
