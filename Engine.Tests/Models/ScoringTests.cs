using RnnEngine.Models.Scoring;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public class ScoringTests
{
    [Fact]
    public void AbsoluteErrorsAndWindowSummaries()
    {
        float[] a = [1, 2, 3, 4], p = [0, 0, 3, 6];
        Assert.Equal(new float[] { 1, 2, 0, 2 }, PointErrors.Absolute(a, p));
        Assert.Equal(new[] { 2.5, 2.0 }, PointErrors.WindowMse(a, p, 2));   // (1+4)/2, (0+4)/2
        Assert.Equal(new[] { 1.5, 1.0 }, PointErrors.WindowMae(a, p, 2));
        Assert.Equal(new[] { 5.0, 9.0 }, PointErrors.WindowMax([1, 5, 2, 0, 0, 9], 3));
        Assert.Equal(new[] { true, false }, PointErrors.WindowVotes([1, 5, 2, 0, 0, 9], 3, threshold: 1, hardCriterion: 2));
        Assert.Throws<ArgumentException>(() => PointErrors.WindowMse(a, p, 3));
    }

    [Fact]
    public void GaussianModelUsesTheInverseCovarianceAndIsSquared()
    {
        // Errors (0,0),(2,0),(0,2),(2,2): mean (1,1), sample covariance diag 4/3, off-diagonal 0 -> inverse diag 3/4.
        GaussianErrorModel m = GaussianErrorModel.Fit([0, 0, 2, 0, 0, 2, 2, 2], 2);
        Assert.Equal(new[] { 1.0, 1.0 }, m.Mean);
        Assert.Equal(4.0 / 3, m.Covariance[0], 12);
        Assert.Equal(0.0, m.Covariance[1], 12);
        Assert.Equal(0.75, m.Inverse[3], 12);
        Assert.Equal(0.0, m.Ridge);
        Assert.Equal(3.0, m.SquaredDistance([3, 1]), 12);      // 2^2 * 3/4
        Assert.Equal(0.0, m.SquaredDistance([1, 1]), 12);

        // Correlated: Sigma = [[2,1],[1,2]], Sigma^-1 = [[2,-1],[-1,2]]/3. d = (1,0) -> 2/3; d = (1,1) -> 2/3.
        // With Sigma itself (seed 001's scipy call) d = (1,1) would give 6 (and sqrt: 2.449), so the tests tell them apart.
        GaussianErrorModel c = GaussianErrorModel.FromCovariance([0, 0], [2, 1, 1, 2]);
        Assert.Equal(2.0 / 3, c.SquaredDistance([1, 0]), 12);
        Assert.Equal(2.0 / 3, c.SquaredDistance([1, 1]), 12);
        double[] expected = [2 / 3.0, -1 / 3.0, -1 / 3.0, 2 / 3.0];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], c.Inverse[i], 12);

        // Univariate: variance of 1,2,3,4 (N-1) = 5/3; score of 4 = 1.5^2 / (5/3) = 1.35.
        GaussianErrorModel u = GaussianErrorModel.Fit([1, 2, 3, 4], 1);
        Assert.Equal(1.35, u.Score([4])[0], 12);

        GaussianErrorModel back = GaussianErrorModel.FromJson(c.ToJson());
        Assert.Equal(c.Inverse, back.Inverse);
    }

    [Fact]
    public void SingularCovarianceGetsARidge()
    {
        // Second error feature constant: Sigma = [[2,0],[0,0]] is singular.
        GaussianErrorModel m = GaussianErrorModel.Fit([0, 5, 2, 5], 2);
        Assert.True(m.Ridge > 0 && m.Ridge < 1e-6, $"ridge {m.Ridge}");
        Assert.Equal(0.5, m.SquaredDistance([2, 5]), 6);     // 1^2 / 2 on the varying feature
        Assert.True(double.IsFinite(m.SquaredDistance([2, 6])));
        Assert.True(m.SquaredDistance([2, 6]) > 1e5);          // off the degenerate axis: huge, not NaN
    }

    [Fact]
    public void SmoothedSquaredErrorByHand()
    {
        // Squared errors 1,1,9,1; window 2 -> means 1, 5, 5; mean 11/3, population std sqrt(32/9) = 4 sqrt(2) / 3.
        double[] s = SmoothedSquaredError.Compute([0, 0, 0, 0], [1, 1, 3, 1], window: 2);
        double std = 4 * Math.Sqrt(2) / 3;
        Assert.Equal(3, s.Length);
        Assert.Equal(1 / std, s[0], 12);
        Assert.Equal(5 / std, s[1], 12);
        Assert.Equal(5 / std, s[2], 12);
    }
}
