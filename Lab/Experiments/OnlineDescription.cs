using RnnEngine.Models.Online;

namespace RnnEngine.Models.Experiments;

/// <summary>The online-updating settings in one line for results.json, shared by every seed 001 experiment.</summary>
internal static class OnlineDescription
{
    /// <param name="unit">what a window is in this experiment ("weeks", "windows"), for a reader of the settings</param>
    public static string Describe(OnlineOptions o, string unit) =>
        $"batch {o.BatchWindows} {unit}, buffer {o.BufferWindows} hard normal {unit}{(o.RequireAnomaly ? " and 1 anomaly" : "")}, " +
        $"hard criterion {o.HardCriterion}, retrain on {(o.TrainOn == RetrainSet.HardNormals ? "hard normals" : "all normals")}" +
        $"{(o.Rehearse ? " and the initial training windows" : "")} (<= {o.MaxEpochs} epochs, patience {o.Patience}, " +
        $"relative min delta {o.MinDelta:G}, lr {o.LearningRate:G}), error model on the freshest {o.ReferenceWindows} normal {unit}, " +
        $"threshold {(o.RelearnThreshold ? "relearned" : "kept")}, {o.Mode.ToString().ToLowerInvariant()}";
}
