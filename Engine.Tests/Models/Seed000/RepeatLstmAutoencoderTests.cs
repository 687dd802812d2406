using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Models.Seed000;

public class RepeatLstmAutoencoderTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        var backend = TestBackends.Get(device);
        foreach (var check in ModelGradCheckCatalog.Models().Where(c => c.Name.StartsWith("repeat-lstm-ae", StringComparison.Ordinal)))
        {
            var r = check.Run(backend);
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    [Fact]
    public void TrainingStepsLowerTheLossOnAFixedBatch()
    {
        var backend = TestBackends.Get("cpu");
        using var model = new RepeatLstmAutoencoder(backend, window: 6, features: 3, hidden: 8, embedding: 4, seed: 3);
        var x = new float[4 * 6 * 3];
        for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(0.7f * i);
        using var adam = new RnnEngine.Engine.Optim.Adam(backend, model.Parameters, 1e-2f);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            adam.ZeroGrad();
            last = model.TrainStep(x, x, 4);
            if (step == 0) first = last;
            adam.Step();
        }
        Assert.True(last < 0.7f * first, $"loss {first} -> {last}");
    }

    [Fact]
    public void DetectorConfigBuildsItForTrainAndScore()
    {
        var config = new RnnEngine.Models.Detection.DetectorConfig { Model = "repeat-lstm-ae", Window = 5, Features = 2, Hidden = 4 };
        using var model = config.Build(TestBackends.Get("cpu"));
        Assert.Equal("repeat-lstm-ae", model.Kind);
        // four LSTMs of four tensors each and the head's weight and bias, each under its own checkpoint name
        Assert.Equal(18, model.ParameterNames.Distinct().Count());
        var output = new float[3 * 5 * 2];
        model.Predict(new float[3 * 5 * 2], 3, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void SwatRunEndToEndReportsEventMetricsFromNormalThreshold()
    {
        var backend = TestBackends.Get("cpu");
        var o = new SwatOptions { Rows = 4_000, Attacks = 1, Window = 10, TrainWindows = 64, Epochs = 2, Hidden = 8, Embedding = 8 };
        var r = SwatExperiment.Run(backend, o, null);
        var m = r.Metrics!;
        Assert.Equal(1, m["attacks"]);
        Assert.InRange(m["event_recall"], 0, 1);
        Assert.InRange(m["event_precision"], 0, 1);
        Assert.True(m["predicted_events_on_attack"] <= m["predicted_events"]);
        // 4000 rows / 10 = 400; validation = last 80 rows -> (80 - 10) / 5 + 1 windows; test (400 - 10) / 5 + 1
        Assert.Equal((400 - 10) / 5 + 1, r.Models[0].TestWindows);
        Assert.True(double.IsFinite(m["threshold"]) && m["threshold"] > 0);
        Assert.Contains("normal validation", r.Settings["threshold"]);
        // the decision's figures come first (the acceptance check reads the first recall/precision keys), the seed's window MSE after
        Assert.Equal("event_recall", m.Keys.First(k => k.Contains("recall", StringComparison.Ordinal)));
        Assert.Equal("event_precision", m.Keys.First(k => k.Contains("precision", StringComparison.Ordinal)));
        Assert.InRange(m["seed_rule_event_recall"], 0, 1);
        Assert.True(m["seed_rule_threshold"] > 0);
        Assert.StartsWith("channel:", r.Settings["score"]);
        var mse = SwatExperiment.Run(backend, o with { Score = SwatScore.WindowMse }, null).Metrics!;
        Assert.Equal(mse["seed_rule_event_recall"], mse["event_recall"]);
        Assert.Equal(m["seed_rule_threshold"], mse["threshold"]);
    }
}
