using System.Text.Json.Nodes;

namespace RnnEngine.Models.Metrics;

/// <summary>
/// All metrics of one score against labels: ranking (ROC AUC, PR AUC), the decision families at the detector's own
/// decisions when there are any, and the oracle thresholds searched on the labels (printed under "oracle", never as
/// the result).
/// </summary>
public sealed record ScoreEvaluation(
    double RocAuc, double PrAuc, int Flagged, DecisionMetrics? Decisions,
    OracleThreshold? BestF1, DecisionMetrics? AtBestF1, OracleThreshold? BestPointAdjustedF1)
{
    public static ScoreEvaluation Compute(IReadOnlyList<long>? index, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<bool>? predicted)
    {
        int flagged = 0;
        if (predicted is not null) foreach (bool p in predicted) if (p) flagged++;
        OracleThreshold? best = OracleThresholds.BestPointF1(scores, labels);
        DecisionMetrics? atBest = null;
        if (best is not null)
        {
            var p = new bool[scores.Count];
            for (int i = 0; i < p.Length; i++) p[i] = scores[i] > best.Threshold;
            atBest = DecisionMetrics.Compute(labels, p, index);
        }
        return new ScoreEvaluation(
            RankingMetrics.RocAuc(scores, labels), RankingMetrics.AveragePrecision(scores, labels), flagged,
            predicted is null ? null : DecisionMetrics.Compute(labels, predicted, index),
            best, atBest, OracleThresholds.BestPointAdjustedF1(scores, labels, index));
    }

    public void AddTo(JsonObject o)
    {
        o["ranking"] = new JsonObject { ["roc_auc"] = MetricsJson.Num(RocAuc), ["pr_auc"] = MetricsJson.Num(PrAuc) };
        Decisions?.AddTo(o);
        var oracle = new JsonObject
        {
            ["rule"] = "thresholds searched on the test labels: upper bounds, not results",
        };
        if (BestF1 is not null && AtBestF1 is not null)
        {
            oracle["best_f1_threshold"] = MetricsJson.Num(BestF1.Threshold);
            var at = new JsonObject();
            AtBestF1.AddTo(at);
            oracle["at_best_f1_threshold"] = at;
        }
        if (BestPointAdjustedF1 is not null)
        {
            JsonObject pa = DecisionMetrics.Counts(BestPointAdjustedF1.Confusion);
            pa["threshold"] = MetricsJson.Num(BestPointAdjustedF1.Threshold);
            oracle["best_point_adjusted_f1"] = pa;
        }
        o["oracle"] = oracle;
    }
}

/// <summary>
/// What `rnnengine eval` (and a run's results) report: the real score's <see cref="ScoreEvaluation"/> and the same
/// for a seeded uniform random score flagged at the same count as the real decisions (<see cref="RandomBaseline"/>).
/// <paramref name="ThresholdSource"/> says where the real decisions came from: "scores-file" (its is_anomaly column)
/// or "value" (a fixed threshold given in advance); null when there are no decisions.
/// </summary>
public sealed record EvaluationSuite(ScoreEvaluation Real, string? ThresholdSource, double? ThresholdValue, ulong RandomSeed, ScoreEvaluation Random)
{
    public static EvaluationSuite Compute(IReadOnlyList<long>? index, IReadOnlyList<double> scores, IReadOnlyList<bool> labels,
        IReadOnlyList<bool>? predicted, string? thresholdSource, double? thresholdValue, ulong randomSeed = RandomBaseline.DefaultSeed)
    {
        ScoreEvaluation real = ScoreEvaluation.Compute(index, scores, labels, predicted);
        double[] noise = RandomBaseline.Scores(scores.Count, randomSeed);
        bool[]? noiseFlags = predicted is null ? null : RandomBaseline.FlagHighest(noise, real.Flagged);
        ScoreEvaluation random = ScoreEvaluation.Compute(index, noise, labels, noiseFlags);
        return new EvaluationSuite(real, predicted is null ? null : thresholdSource, thresholdValue, randomSeed, random);
    }

    public void AddTo(JsonObject o, int count)
    {
        if (ThresholdSource is not null)
        {
            var t = new JsonObject { ["source"] = ThresholdSource };
            if (ThresholdValue is double v) t["value"] = MetricsJson.Num(v);
            t["flagged"] = Real.Flagged;
            t["fraction_flagged"] = MetricsJson.Num(count > 0 ? (double)Real.Flagged / count : 0);
            o["threshold"] = t;
        }
        Real.AddTo(o);
        var r = new JsonObject
        {
            ["seed"] = RandomSeed,
            ["rule"] = "uniform scores; the same number of points flagged as the real decisions (its highest)",
        };
        Random.AddTo(r);
        o["random_baseline"] = r;
    }
}
