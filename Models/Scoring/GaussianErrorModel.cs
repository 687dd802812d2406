using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnEngine.Models.Scoring;

/// <summary>
/// The Gaussian model of absolute reconstruction-error vectors (Malhotra et al. 2016, seed 001): fitted on vN1's
/// error vectors e [N, D], it scores a point by the SQUARED Mahalanobis distance a = (e - mu)^T Sigma^-1 (e - mu).
/// Sigma is the sample covariance (N - 1 in the denominator, numpy's np.cov; seed 001 used the population variance
/// for D = 1, a factor N/(N-1) apart). Its inverse comes from a Cholesky factorisation; a singular or badly
/// conditioned Sigma (a constant error feature, N &lt;= D) gets a ridge lambda*I, lambda growing from 1e-10 x mean
/// variance until the factorisation succeeds, and the ridge used is kept.
/// Seed 001 called scipy's mahalanobis(e, mu, Sigma), which expects the INVERSE covariance as its third argument, with
/// the covariance itself, and got the square root: its score was sqrt((e-mu)^T Sigma (e-mu)). This class does not.
/// </summary>
public sealed class GaussianErrorModel
{
    public int Dimension { get; }
    public double[] Mean { get; }
    /// <summary>Row-major [D, D].</summary>
    public double[] Covariance { get; }
    /// <summary>Row-major [D, D]: (Sigma + Ridge I)^-1.</summary>
    public double[] Inverse { get; }
    public double Ridge { get; }

    private GaussianErrorModel(double[] mean, double[] cov, double[] inverse, double ridge)
    {
        Dimension = mean.Length;
        Mean = mean;
        Covariance = cov;
        Inverse = inverse;
        Ridge = ridge;
    }

    public static GaussianErrorModel Fit(ReadOnlySpan<float> errors, int dimension)
    {
        int d = dimension;
        if (d <= 0 || errors.Length % d != 0) throw new ArgumentException($"{errors.Length} values are not whole error vectors of {d}");
        int n = errors.Length / d;
        if (n < 2) throw new ArgumentException($"the error model needs at least 2 error vectors, got {n}");
        var mean = new double[d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) mean[j] += errors[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        var cov = new double[d * d];
        var c = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++) c[j] = errors[i * d + j] - mean[j];
            for (int j = 0; j < d; j++)
                for (int k = 0; k <= j; k++) cov[j * d + k] += c[j] * c[k];
        }
        for (int j = 0; j < d; j++)
            for (int k = 0; k <= j; k++) cov[k * d + j] = cov[j * d + k] /= n - 1;
        return FromCovariance(mean, cov);
    }

    /// <summary>Builds the model from a mean and covariance (checkpoint restore or tests), inverting with a ridge if needed.</summary>
    public static GaussianErrorModel FromCovariance(double[] mean, double[] covariance)
    {
        int d = mean.Length;
        if (d == 0 || covariance.Length != d * d) throw new ArgumentException($"mean of {d} needs a [{d}, {d}] covariance, got {covariance.Length} values");
        double scale = 0;
        for (int j = 0; j < d; j++) scale += Math.Abs(covariance[j * d + j]);
        scale = scale > 0 ? scale / d : 1.0;
        for (double ridge = 0; ridge <= scale; ridge = ridge == 0 ? 1e-10 * scale : ridge * 10)
        {
            double[]? inv = InvertSpd(covariance, d, ridge, 1e-12 * scale);
            if (inv is not null) return new GaussianErrorModel(mean, covariance, inv, ridge);
        }
        throw new ArgumentException("error covariance could not be inverted even with a ridge equal to its mean variance (non-finite values?)");
    }

    /// <summary>(e - mu)^T Sigma^-1 (e - mu) for one error vector.</summary>
    public double SquaredDistance(ReadOnlySpan<float> e)
    {
        int d = Dimension;
        if (e.Length != d) throw new ArgumentException($"error vector of {e.Length} for a model of dimension {d}");
        double total = 0;
        for (int j = 0; j < d; j++)
        {
            double row = 0;
            for (int k = 0; k < d; k++) row += Inverse[j * d + k] * (e[k] - Mean[k]);
            total += (e[j] - Mean[j]) * row;
        }
        return total;
    }

    /// <summary>Scores every error vector of [N, D] data.</summary>
    public double[] Score(ReadOnlySpan<float> errors)
    {
        int d = Dimension;
        if (errors.Length % d != 0) throw new ArgumentException($"{errors.Length} values are not whole error vectors of {d}");
        var s = new double[errors.Length / d];
        for (int i = 0; i < s.Length; i++) s[i] = SquaredDistance(errors.Slice(i * d, d));
        return s;
    }

    /// <summary>Cholesky of (A + ridge I) then its inverse; null when a pivot is not clearly positive.</summary>
    private static double[]? InvertSpd(double[] a, int d, double ridge, double minPivot)
    {
        var l = new double[d * d];
        for (int j = 0; j < d; j++)
        {
            for (int k = 0; k <= j; k++)
            {
                double s = a[j * d + k] + (j == k ? ridge : 0);
                for (int m = 0; m < k; m++) s -= l[j * d + m] * l[k * d + m];
                if (j == k)
                {
                    if (!(s > minPivot) || !double.IsFinite(s)) return null;
                    l[j * d + j] = Math.Sqrt(s);
                }
                else l[j * d + k] = s / l[k * d + k];
            }
        }
        // inv = L^-T L^-1, column by column: solve L y = e_c, then L^T x = y.
        var inv = new double[d * d];
        var y = new double[d];
        for (int c = 0; c < d; c++)
        {
            for (int i = 0; i < d; i++)
            {
                double s = i == c ? 1 : 0;
                for (int m = 0; m < i; m++) s -= l[i * d + m] * y[m];
                y[i] = s / l[i * d + i];
            }
            for (int i = d - 1; i >= 0; i--)
            {
                double s = y[i];
                for (int m = i + 1; m < d; m++) s -= l[m * d + i] * inv[m * d + c];
                inv[i * d + c] = s / l[i * d + i];
            }
        }
        return inv;
    }

    public string ToJson() => new JsonObject
    {
        ["kind"] = "gaussian",
        ["score"] = "squared_mahalanobis",
        ["mean"] = Array(Mean),
        ["covariance"] = Array(Covariance),
        ["ridge"] = Ridge,
    }.ToJsonString();

    private static JsonArray Array(double[] v) => new(v.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());

    /// <summary>Restores from <see cref="ToJson"/>; the inverse is recomputed (with the stored ridge at least).</summary>
    public static GaussianErrorModel FromJson(string json)
    {
        try
        {
            JsonNode root = JsonNode.Parse(json) ?? throw new JsonException("null");
            double[] mean = root["mean"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            double[] cov = root["covariance"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            return FromCovariance(mean, cov);
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new FormatException("error-model metadata is not {mean[], covariance[]}: " + e.Message, e);
        }
    }
}
