using System.Text.Json;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Online;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Training;
using Xunit;

namespace RnnEngine.Engine.Tests.Streaming;

/// <summary>
/// Seed 001's online updating: when an update fires, what it trains on, that scores before it equal the static
/// detector's, determinism of the synchronous mode, the background mode, and `run powerdemand --online` end to end.
/// </summary>
public class OnlineDetectorTests
{
    private const int T = 6, F = 1, H = 4, Windows = 12;

    private static EncDecAd Model(int seed = 5) => new(TestBackends.Get("cpu"), T, F, H, (ulong)seed);

    /// <summary>Sine weeks in [0, 1]; the windows listed in <paramref name="anomalous"/> get a spike.</summary>
    private static (float[] Data, bool[] Labels) Stream(params int[] anomalous)
    {
        var data = new float[Windows * T * F];
        for (int i = 0; i < data.Length; i++) data[i] = 0.5f + 0.4f * MathF.Sin(i * 0.9f);
        var labels = new bool[Windows];
        foreach (int w in anomalous)
        {
            labels[w] = true;
            data[w * T + 2] = 1f;
        }
        return (data, labels);
    }

    private static GaussianErrorModel ErrorModelOf(IWindowModel model, float[] data)
    {
        float[] output = Inference.PredictAll(model, data, data.Length / (T * F));
        return GaussianErrorModel.Fit(PointErrors.Absolute(data, output), F);
    }

    private static (double[] Scores, bool[] Flagged, OnlineDetector Detector) Run(IWindowModel model, double threshold,
        OnlineOptions options, float[] data, bool[] labels, Func<IWindowModel>? twin = null)
    {
        var errorModel = ErrorModelOf(model, data.AsSpan(0, 3 * T * F).ToArray());
        var detector = new OnlineDetector(model, errorModel, threshold, data.AsSpan(0, 2 * T * F), data.AsSpan(0, 2 * T * F), options, twin);
        var scores = new double[Windows];
        var flagged = new bool[Windows];
        int size = T * F;
        for (int w = 0; w < Windows; w += options.BatchWindows)
            detector.ProcessBatch(data.AsSpan(w * size, options.BatchWindows * size), options.BatchWindows,
                labels.AsSpan(w, options.BatchWindows), scores.AsSpan(w, options.BatchWindows), flagged.AsSpan(w, options.BatchWindows));
        detector.Drain();
        return (scores, flagged, detector);
    }

    private static readonly OnlineOptions Quick = new() { BatchWindows = 2, BufferWindows = 3, MaxEpochs = 5, Patience = 2, TrainBatch = 2, LearningRate = 1e-2f, RelearnThreshold = false };

    [Fact]
    public void UpdateFiresWhenTheHardNormalBufferFillsAndAnAnomalyHasArrived()
    {
        // threshold -inf: every window is flagged, so every normal window is hard
        var (data, labels) = Stream(anomalous: 5);
        using var model = Model();
        var (_, flagged, detector) = Run(model, double.NegativeInfinity, Quick, data, labels);
        using (detector)
        {
            Assert.All(flagged, Assert.True);
            // batches of 2: after windows 0-3 four hard normals but no anomaly yet; window 5 (batch 4-5) brings one
            Assert.Equal(6, detector.Updates[0].BeforeWindow);
            Assert.Equal(1, detector.Updates[0].Anomalies);
            Assert.Equal(5, detector.Updates[0].HardNormals);
            // then the buffers start empty: windows 6-11 are six more hard normals, but no new anomaly
            Assert.Single(detector.Updates);
        }
    }

    [Fact]
    public void WithoutTheAnomalyRequirementHardNormalsAloneTrigger()
    {
        var (data, labels) = Stream();
        using var model = Model();
        var (_, _, detector) = Run(model, double.NegativeInfinity, Quick with { RequireAnomaly = false }, data, labels);
        using (detector)
        {
            Assert.Equal([4, 8, 12], detector.Updates.Select(u => u.BeforeWindow));
            Assert.All(detector.Updates, u => Assert.Equal(4, u.HardNormals));
        }
    }

    [Fact]
    public void NothingFlaggedMeansNoUpdateAndTheStaticScores()
    {
        var (data, labels) = Stream(anomalous: 3);
        using var model = Model();
        double[] before = Inference.PredictAll(model, data, Windows).Select(v => (double)v).ToArray();
        var (scores, flagged, detector) = Run(model, double.PositiveInfinity, Quick, data, labels);
        using (detector)
        {
            Assert.Empty(detector.Updates);
            Assert.All(flagged, Assert.False);
            Assert.Equal(before, Inference.PredictAll(model, data, Windows).Select(v => (double)v).ToArray());
            var errorModel = ErrorModelOf(model, data.AsSpan(0, 3 * T * F).ToArray());
            double[] expected = PointErrors.WindowMax(PointScoresOf(model, errorModel, data), T);
            Assert.Equal(expected, scores);
        }
    }

    [Fact]
    public void AnUpdateRetrainsChangesLaterScoresOnlyAndIsDeterministic()
    {
        var (data, labels) = Stream(anomalous: 1);
        using var staticModel = Model();
        var (staticScores, _, staticDetector) = Run(staticModel, double.PositiveInfinity, Quick, data, labels);
        staticDetector.Dispose();

        var runs = new List<double[]>();
        for (int repeat = 0; repeat < 2; repeat++)
        {
            using var model = Model();
            var (scores, _, detector) = Run(model, double.NegativeInfinity, Quick, data, labels);
            using (detector)
            {
                var u = detector.Updates[0];
                Assert.Equal(4, u.BeforeWindow);
                Assert.True(u.Epochs >= 1 && u.LossAfter < u.LossBefore, $"retraining {u.Epochs} epochs, loss {u.LossBefore} -> {u.LossAfter}");
                // three normals, every third easy one held out: none is easy (all flagged), so all three train, with the 2 rehearsal windows
                Assert.Equal(5, u.TrainWindows);
            }
            Assert.Equal(staticScores[..4], scores[..4]);
            Assert.NotEqual(staticScores[4..], scores[4..]);
            runs.Add(scores);
        }
        Assert.Equal(runs[0], runs[1]);
    }

    [Fact]
    public void BackgroundUpdatesTrainATwinAndAreAppliedByDrain()
    {
        var (data, labels) = Stream(anomalous: 1);
        using var model = Model();
        double[] weightsBefore = model.Parameters[0].Value.ToArray().Select(v => (double)v).ToArray();
        using var twinDevice = Devices.Create("cpu", 1);
        var (_, _, detector) = Run(model, double.NegativeInfinity, Quick with { Mode = UpdateMode.Background }, data, labels,
            () => new EncDecAd(twinDevice, T, F, H, 99));
        using (detector)
        {
            Assert.NotEmpty(detector.Updates);
            Assert.NotEqual(weightsBefore, model.Parameters[0].Value.ToArray().Select(v => (double)v).ToArray());
        }
    }

    [Fact]
    public void RunPowerDemandOnlineReportsBothAucsAndTheUpdates()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rne-online-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = CliRunner.Run(["run", "powerdemand", "--online", "--device", "cpu", "--out", dir]);
            Assert.True(r.Code == 0, r.Err);
            Assert.Contains("encdec-ad-online", r.Out);
            Assert.Contains("update after stream week", r.Err);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            var m = doc.RootElement.GetProperty("metrics");
            double online = m.GetProperty("online_roc_auc").GetDouble(), offline = m.GetProperty("static_roc_auc").GetDouble();
            // the default settings on seed 1 (bit-identical on cpu): the issue's bar, seed 001's published 0.97
            Assert.True(online >= 0.97 && online > offline, $"online {online} vs static {offline}");
            Assert.Equal(doc.RootElement.GetProperty("updates").GetArrayLength(), m.GetProperty("updates").GetDouble());
            Assert.True(File.Exists(Path.Combine(dir, "encdec-ad-online.png")));
            // every model of a run carries the evaluation suite on the test rows, with the random baseline and the oracle apart
            foreach (var model in doc.RootElement.GetProperty("models").EnumerateArray())
            {
                var e = model.GetProperty("evaluation");
                Assert.Equal(39 * 84, e.GetProperty("point").GetProperty("tp").GetInt32() + e.GetProperty("point").GetProperty("fp").GetInt32()
                    + e.GetProperty("point").GetProperty("tn").GetInt32() + e.GetProperty("point").GetProperty("fn").GetInt32());
                foreach (string family in new[] { "point_adjusted", "pa_k", "event", "delay", "oracle", "random_baseline" })
                    Assert.True(e.TryGetProperty(family, out _), $"{model.GetProperty("name")}: no {family}");
            }
            Assert.Contains("random score: point F1", r.Out);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BadOnlineFlagsAreUsageErrors()
    {
        var r = CliRunner.Run(["run", "powerdemand", "--online", "--online-mode", "sometimes", "--device", "cpu"]);
        Assert.Equal(2, r.Code);
        Assert.Contains("--online-mode", r.Err);
    }

    private static double[] PointScoresOf(IWindowModel model, GaussianErrorModel errorModel, float[] data)
    {
        float[] e = PointErrors.Absolute(data, Inference.PredictAll(model, data, Windows));
        return e.Select(v => errorModel.SquaredDistance([v])).ToArray();
    }
}
