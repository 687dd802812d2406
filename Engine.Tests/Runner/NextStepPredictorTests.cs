using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;
using RnnEngine.Models.Experiments;
using RnnEngine.Models.Training;
using RnnEngine.Models.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Runner;

/// <summary>Seed 002: the next-event predictor's gradchecks, the detection protocol on hand-made flags, and a tiny end-to-end run.</summary>
public class NextStepPredictorTests
{
    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (var check in ModelGradCheckCatalog.Models().Where(c => c.Name is "next-step-lstm" or "next-step-gru"))
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }

    [Fact]
    public void TargetsAreTheWindowShiftedByOneEvent()
    {
        float[] v = [.. Enumerable.Range(0, 12).Select(i => (float)i)];   // 6 events of 2 features
        var set = TrainingSet.NextRow(v, 2, 3);
        Assert.Equal(3, set.Count);
        Assert.Equal(new float[] { 2, 3, 4, 5, 6, 7 }, set.Inputs[6..12]);
        Assert.Equal(new float[] { 4, 5, 6, 7, 8, 9 }, set.Targets[6..12]);
    }

    [Fact]
    public void FaultIsHitByItsEventsOrTheEventAfterAndRunsArePredictedEvents()
    {
        var labels = new bool[20];
        labels[5] = labels[6] = labels[12] = true;
        AnomalyInterval[] faults = [new(5, 7, "a"), new(12, 13, "b")];
        var scores = new double[20];
        scores[7] = 2;                  // the event right after fault a: counts for a
        scores[9] = scores[10] = 2;     // one run, on no fault
        scores[1] = 5;                  // before the first scored event: never flagged
        var e = TraceExperiment.Evaluate(scores, 1, labels, faults, firstScored: 2);
        Assert.Equal(1, e.FaultsHit);
        Assert.Equal(0.5, e.FaultRecall);
        Assert.Equal(2, e.PredictedEvents);
        Assert.Equal(0.5, e.EventPrecision);
        Assert.False(e.Flags[1]);
        Assert.Equal(0, e.Strict.SegmentsHit);   // strict: only labelled events count
    }

    [Fact]
    public void TinyRunWritesDetectionFigures()
    {
        var o = new TraceOptions
        {
            Window = 6, Hidden1 = 8, Hidden2 = 4, Dropout = 0.2f, Epochs = 2, TrainCycles = 50, TestCycles = 60, Faults = 3, BatchSize = 16,
        };
        var r = TraceExperiment.Run(TestBackends.Get("cpu"), o, null);
        var d = r.Detection!;
        double recall = (double)d["event_recall"]!, precision = (double)d["event_precision"]!;
        Assert.InRange(recall, 0, 1);
        Assert.InRange(precision, 0, 1);
        Assert.Equal(3, (int)d["faults"]!);
        var flagged = (List<Dictionary<string, object?>>)d["flagged"]!;
        Assert.All(flagged, f => Assert.Contains((string)f["largest_error_feature"]!, TraceExperiment.FeatureNames));
        Assert.Equal(r.Models[0].FlaggedWindows, flagged.Count);
        Assert.Equal("next-step-lstm", r.Models[0].Name);
    }
}
