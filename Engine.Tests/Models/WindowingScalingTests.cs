using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public class WindowingScalingTests
{
    private static Series Ramp(int n, int f, bool[]? labels = null) =>
        new(Enumerable.Range(0, n * f).Select(i => (float)i).ToArray(), f, labels);

    [Fact]
    public void StrideWindowsDropTheTailAndMarkAnyAnomaly()
    {
        var labels = new bool[10];
        labels[5] = true;
        WindowSet w = WindowSet.Cut(Ramp(10, 1, labels), length: 4, stride: 3);
        // starts 0, 3, 6; a window at 9 would need rows 9..12.
        Assert.Equal(new[] { 0, 3, 6 }, w.Starts);
        Assert.Equal(new float[] { 3, 4, 5, 6 }, w.Window(1).ToArray());
        Assert.Equal(new[] { false, true, false }, w.IsAnomalous);   // rows 0-3, 3-6, 6-9; row 5 is anomalous
        Assert.Equal(new[] { false, false, true, false }, w.PointLabels!.AsSpan(4, 4).ToArray());
        Assert.Throws<DataFormatException>(() => WindowSet.Cut(Ramp(3, 1), 4, 4));
    }

    [Fact]
    public void TimeMajorBatch()
    {
        // 2 windows of T=2, F=2: w0 = [[0,1],[2,3]], w1 = [[4,5],[6,7]] -> [T, B, F] = [[0,1],[4,5]],[[2,3],[6,7]].
        WindowSet w = WindowSet.Cut(Ramp(4, 2), 2, 2);
        var dst = new float[8];
        w.CopyBatchTimeMajor(0, 2, dst);
        Assert.Equal(new float[] { 0, 1, 4, 5, 2, 3, 6, 7 }, dst);
    }

    [Fact]
    public void ScalersFitOnTrainingOnly()
    {
        // Training rows [N=3, F=2]: col0 = 1, 2, 3; col1 = 10, 10, 10 (constant -> scale 1).
        float[] train = [1, 10, 2, 10, 3, 10];
        var mm = new MinMaxScaler();
        mm.Fit(train, 2);
        float[] test = [5, 12];
        mm.Transform(test);
        Assert.Equal(new float[] { 2f, 2f }, test);   // (5-1)/2, (12-10)*1: test data outside [0,1] stay outside
        mm.InverseTransform(test);
        Assert.Equal(new float[] { 5, 12 }, test);

        var st = new StandardScaler();
        st.Fit(train, 2);
        float[] x = [3, 10];
        st.Transform(x);
        Assert.Equal(Math.Sqrt(1.5), x[0], 5);       // mean 2, population std sqrt(2/3)
        Assert.Equal(0f, x[1]);

        var sd = new StdDivScaler();
        sd.Fit(train, 2);
        float[] y = [2, 10];
        sd.Transform(y);
        Assert.Equal(2 / Math.Sqrt(2.0 / 3), y[0], 5);  // divided, not centred
        Assert.Equal(10f, y[1]);

        AffineScaler back = ScalerJson.FromJson(ScalerJson.ToJson(st));
        Assert.Equal(st.Shift, back.Shift);
        Assert.Equal(st.Multiplier, back.Multiplier);
        Assert.Equal("standard", back.Kind);
        Assert.Throws<FormatException>(() => ScalerJson.FromJson("{\"kind\":\"minmax\"}"));
    }

    [Fact]
    public void PerWindowMinMax()
    {
        float[] w = [2, 7, 4, 7, 6, 7];   // [T=3, F=2]
        WindowMinMax.Apply(w, 2);
        Assert.Equal(new float[] { 0, 0, 0.5f, 0, 1, 0 }, w);
    }

    [Fact]
    public void Seed001SplitTenthsAndHalves()
    {
        // 23 windows: 3 anomalous (4, 10, 20), 20 normal -> k = 2: sN 10, vN1 6, vN2 2, tN 2; vA 1, tA 2.
        var anomalous = new bool[23];
        anomalous[4] = anomalous[10] = anomalous[20] = true;
        Seed001Split s = Seed001Split.Make(anomalous);
        Assert.Equal(new[] { 0, 1, 2, 3, 5, 6, 7, 8, 9, 11 }, s.SN);
        Assert.Equal(new[] { 12, 13, 14, 15, 16, 17 }, s.VN1);
        Assert.Equal(new[] { 18, 19 }, s.VN2);
        Assert.Equal(new[] { 21, 22 }, s.TN);
        Assert.Equal(new[] { 4 }, s.VA);
        Assert.Equal(new[] { 10, 20 }, s.TA);

        // 25 normal: k = 2 and tN takes the remainder (7 windows), as the seed's slicing does.
        Assert.Equal(7, Seed001Split.Make(new bool[25]).TN.Length);

        Seed001Split a = Seed001Split.Make(anomalous, shuffleSeed: 7), b = Seed001Split.Make(anomalous, shuffleSeed: 7);
        Assert.Equal(a.SN, b.SN);
        Assert.Equal(a.TA, b.TA);
        Assert.NotEqual(s.SN, a.SN);
        int[] all = [.. a.SN, .. a.VN1, .. a.VN2, .. a.TN, .. a.VA, .. a.TA];
        Assert.Equal(Enumerable.Range(0, 23), all.Order());
        Assert.Throws<ArgumentException>(() => Seed001Split.Make(new bool[9]));
    }
}
