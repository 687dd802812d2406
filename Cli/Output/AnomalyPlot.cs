using ScottPlot;

namespace RnnEngine.Cli.Output;

/// <summary>One named line of the input panel.</summary>
public sealed record PlotLine(string Name, double[] Values);

/// <summary>
/// The figure behind every PNG the CLI writes: a title, the input series on top (when any), the anomaly score with its
/// threshold below, labelled anomalies shaded and flagged positions barred across both panels, a legend on each panel,
/// and one x axis (row or window index, or dates). Drawn with ScottPlot; long series are cut to a min/max pair per pixel
/// column first.
/// </summary>
public sealed class AnomalyPlot
{
    public required string Title { get; init; }
    /// <summary>Smaller second title line, e.g. which columns are drawn.</summary>
    public string? Subtitle { get; init; }
    public string XLabel { get; init; } = "row";
    /// <summary>One date per position; the x axis then shows dates instead of <see cref="XLabel"/> indices (unless they
    /// do not increase: an axis cannot place rows by dates that go back or repeat).</summary>
    public DateTime[]? Timestamps { get; init; }
    public IReadOnlyList<PlotLine> Series { get; init; } = [];
    public string SeriesLabel { get; init; } = "value";
    /// <summary>NaN where a position has no score.</summary>
    public required double[] Score { get; init; }
    public string ScoreName { get; init; } = "anomaly score";
    public string ScoreLabel { get; init; } = "anomaly score";
    public double? Threshold { get; init; }
    public bool[]? Labels { get; init; }
    public bool[]? Flagged { get; init; }
    public string FlaggedName { get; init; } = "flagged";
    public int Width { get; init; } = 1600;
    public int Height { get; init; } = 700;
    /// <summary>Names the typeface instead of <see cref="FontSetup"/>'s choice (the embedded one: <see cref="FontSetup.EmbeddedFamily"/>).</summary>
    internal string? FontFamily { get; init; }

    // Colours a reader tells apart. Labelled anomalies shade the panel's full height; flagged rows are a red bar along
    // its top edge, so where both fall on the same rows each stays recognisable (two overlapping translucent shades
    // would mix into a third colour the legend does not name).
    private static readonly Color[] LineColors =
        [new(31, 119, 180), new(44, 160, 44), new(148, 103, 189), new(140, 86, 75), new(23, 190, 207), new(127, 127, 127)];
    private static readonly Color ScoreColor = new(255, 127, 14), ThresholdColor = new(214, 39, 40);
    private static readonly Color LabelShade = new Color(255, 200, 0).WithAlpha(0.30), FlagShade = new Color(214, 39, 40).WithAlpha(0.85);

    // Fixed paddings so both panels' data areas line up under one x axis whatever their tick labels and legends.
    private const float LeftPad = 90, TitlePad = 62, XAxisPad = 52, GapPad = 14;

    /// <summary>Renders to a PNG at <paramref name="path"/> via a temporary file, so a failure leaves no partial PNG.</summary>
    public void Save(string path)
    {
        byte[] png = Render();
        string tmp = path + ".tmp";
        try
        {
            File.WriteAllBytes(tmp, png);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public byte[] Render()
    {
        int n = Score.Length;
        float right = RightPad();
        if (Width < LeftPad + right + 100 || Height < 250) throw new ArgumentException($"plot size {Width}x{Height} is too small");
        foreach (var s in Series) Check(s.Values.Length, s.Name);
        if (Labels is not null) Check(Labels.Length, "labels");
        if (Flagged is not null) Check(Flagged.Length, "flagged");
        if (Timestamps is not null) Check(Timestamps.Length, "timestamps");

        string chosen = FontSetup.Ensure();
        string family = FontFamily ?? chosen;
        var figure = new Multiplot();
        bool twoPanels = Series.Count > 0;
        Plot scorePlot;
        if (twoPanels)
        {
            figure.AddPlots(2);
            figure.Layout = new ScottPlot.MultiplotLayouts.Rows();
            Plot top = figure.GetPlot(0);
            scorePlot = figure.GetPlot(1);
            DrawSeries(top);
            top.Layout.Fixed(new PixelPadding(LeftPad, right, GapPad, TitlePad));
            scorePlot.Layout.Fixed(new PixelPadding(LeftPad, right, XAxisPad, GapPad));
            SetTitle(top);
        }
        else
        {
            figure.AddPlots(1);
            scorePlot = figure.GetPlot(0);
            scorePlot.Layout.Fixed(new PixelPadding(LeftPad, right, XAxisPad, TitlePad));
            SetTitle(scorePlot);
        }
        DrawScore(scorePlot);

        var (xMin, xMax) = (Edge(0), Edge(Math.Max(n, 1)));
        foreach (var p in figure.GetPlots())
        {
            if (Dates is not null) DateAxis(p);
            p.Axes.AutoScaleY();
            AddFlagBar(p);
            p.Axes.SetLimitsX(xMin, xMax);
            p.Axes.Left.Label.FontSize = 15;
            p.Axes.Bottom.Label.FontSize = 15;
            p.Axes.Left.TickLabelStyle.FontSize = 13;
            p.Axes.Bottom.TickLabelStyle.FontSize = 13;
            p.Legend.FontSize = 13;
            SetFont(p, family);
        }
        scorePlot.XLabel(Dates is not null ? "time" : Timestamps is not null ? XLabel + " (the timestamps do not increase)" : XLabel);
        // one set of x tick labels for the figure: the top panel's ticks sit at the bottom's positions
        if (twoPanels) figure.GetPlot(0).Axes.Bottom.TickLabelStyle.IsVisible = false;

        using Image image = figure.Render(Width, Height);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    private static void SetFont(Plot plot, string family)
    {
        plot.Axes.Title.Label.FontName = family;
        foreach (var axis in new IAxis[] { plot.Axes.Left, plot.Axes.Bottom })
        {
            axis.Label.FontName = family;
            axis.TickLabelStyle.FontName = family;
        }
        plot.Legend.FontName = family;
    }

    private string ThresholdText => Threshold is double t && double.IsFinite(t)
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"threshold {t:G4}")
        : "no threshold";

    private IEnumerable<string> LegendTexts(bool seriesPanel)
    {
        if (seriesPanel) foreach (var s in Series) yield return s.Name;
        else { yield return ScoreName; yield return ThresholdText; }
        if (Labels is not null) yield return "labelled anomaly (none)";
        if (Flagged is not null) yield return FlaggedName + " (top bar)";
    }

    /// <summary>
    /// Room right of the data areas for the widest legend of the figure (an estimate from the text length at the
    /// legend's font size), the same for both panels so their x axes line up.
    /// </summary>
    private float RightPad()
    {
        int longest = LegendTexts(false).Concat(Series.Count > 0 ? LegendTexts(true) : []).Max(t => t.Length);
        return Math.Clamp(longest * 7.6f + 70, 160, Width / 3f);
    }

    /// <summary>Dates as ISO (the invariant culture would write month/day/year), the time only where the tick has one.</summary>
    private static void DateAxis(Plot plot)
    {
        var axis = plot.Axes.DateTimeTicksBottom();
        if (axis.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic ticks)
            ticks.LabelFormatter = d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : d.ToString(d.Second == 0 && d.Millisecond == 0 ? "yyyy-MM-dd\nHH:mm" : "yyyy-MM-dd\nHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Check(int length, string what)
    {
        if (length != Score.Length) throw new ArgumentException($"{what} has {length} positions, the score {Score.Length}");
    }

    private void SetTitle(Plot plot)
    {
        plot.Title(Subtitle is null ? Title : Title + "\n" + Subtitle, 17);
    }

    // Shading is drawn first so the lines stay crisp on top of it; the legend is built by hand so it lists the lines
    // first and names each kind of shading once, however many spans it has.
    private void DrawSeries(Plot plot)
    {
        plot.Legend.DisplayPlottableLegendItems = false;
        AddSpans(plot);
        for (int c = 0; c < Series.Count; c++)
            AddLine(plot, Series[c].Values, Series[c].Name, LineColors[c % LineColors.Length], 1.2f);
        AddSpanLegend(plot);
        plot.YLabel(SeriesLabel);
        plot.ShowLegend(ScottPlot.Edge.Right);
    }

    private void DrawScore(Plot plot)
    {
        plot.Legend.DisplayPlottableLegendItems = false;
        AddSpans(plot);
        AddLine(plot, Score, ScoreName, ScoreColor, 1.5f);
        if (Threshold is double t && double.IsFinite(t))
        {
            plot.Add.HorizontalLine(t, 1.5f, ThresholdColor, LinePattern.Dashed);
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = ThresholdText, LineColor = ThresholdColor, LineWidth = 1.5f, LinePattern = LinePattern.Dashed,
            });
        }
        else plot.Legend.ManualItems.Add(new LegendItem { LabelText = ThresholdText, LineWidth = 0 });
        AddSpanLegend(plot);
        plot.YLabel(ScoreLabel);
        plot.ShowLegend(ScottPlot.Edge.Right);
    }

    private void AddLine(Plot plot, double[] values, string name, Color color, float width)
    {
        foreach (var (xs, ys) in Decimate(values))
        {
            var line = plot.Add.ScatterLine(xs, ys, color);
            line.LineWidth = width;
            // a lone finite value between gaps has no neighbour to draw a line to
            line.MarkerSize = xs.Length == 1 ? 4 : 0;
        }
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = name, LineColor = color, LineWidth = 2 });
    }

    private void AddSpans(Plot plot)
    {
        if (Labels is null) return;
        foreach (var (a, b) in Runs(Labels))
        {
            var span = plot.Add.HorizontalSpan(Edge(a), Edge(b), LabelShade);
            span.LineWidth = 0;
            span.EnableAutoscale = false;
        }
    }

    /// <summary>Fraction of the panel's height above the data kept for the flagged bar, and the bar's own height.</summary>
    private const double BarRoom = 0.10, BarHeight = 0.065;

    /// <summary>After the y axis is fitted to the data: the flagged bar in room added above it, then the limits fixed.</summary>
    private void AddFlagBar(Plot plot)
    {
        AxisLimits limits = plot.Axes.GetLimits();
        double bottom = limits.Bottom, top = limits.Top, range = top - bottom;
        if (!double.IsFinite(range) || range <= 0) { bottom = 0; top = 1; range = 1; }
        if (Flagged is null) { plot.Axes.SetLimitsY(bottom, top); return; }
        double barTop = top + BarRoom * range, barBottom = barTop - BarHeight * range;
        foreach (var (a, b) in Runs(Flagged))
        {
            var bar = plot.Add.Rectangle(Edge(a), Edge(b), barBottom, barTop);
            bar.FillColor = FlagShade;
            bar.LineWidth = 0;
        }
        plot.Axes.SetLimitsY(bottom, barTop + 0.01 * range);
    }

    private void AddSpanLegend(Plot plot)
    {
        AddSpanLegend(plot, Labels, LabelShade, "labelled anomaly");
        AddSpanLegend(plot, Flagged, FlagShade, FlaggedName + " (top bar)");
    }

    private static void AddSpanLegend(Plot plot, bool[]? marks, Color shade, string name)
    {
        if (marks is null) return;
        // the legend names the marking even where there is none of it, so a reader knows it was looked for
        string text = marks.Contains(true) ? name : name + " (none)";
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = text, FillColor = shade, LineWidth = 0 });
    }

    /// <summary>The narrowest span drawn, in pixel columns: one column of translucent shade is easy to miss.</summary>
    private const int MinSpanColumns = 3;

    /// <summary>Positions to draw per data-area pixel column; above this a series is reduced to min/max pairs.</summary>
    private int Columns => Math.Max(100, Width - (int)(LeftPad + RightPad()));

    /// <summary>
    /// Contiguous finite stretches of <paramref name="values"/>, each as x/y arrays; with more positions than pixel
    /// columns every column keeps its minimum and maximum (in order), so spikes survive and drawing stays fast.
    /// </summary>
    internal IEnumerable<(double[] Xs, double[] Ys)> Decimate(double[] values)
    {
        int n = values.Length, cols = Columns;
        int bucket = n <= 2 * cols ? 1 : (n + cols - 1) / cols;
        var xs = new List<double>();
        var ys = new List<double>();
        for (int start = 0; start < n; start += bucket)
        {
            int end = Math.Min(n, start + bucket);
            int lo = -1, hi = -1;
            for (int i = start; i < end; i++)
            {
                double v = values[i];
                if (!double.IsFinite(v)) continue;
                if (lo < 0 || v < values[lo]) lo = i;
                if (hi < 0 || v > values[hi]) hi = i;
            }
            if (lo < 0)
            {
                if (xs.Count > 0) { yield return (xs.ToArray(), ys.ToArray()); xs.Clear(); ys.Clear(); }
                continue;
            }
            foreach (int i in lo == hi ? [lo] : lo < hi ? new[] { lo, hi } : [hi, lo])
            {
                xs.Add(X(i));
                ys.Add(values[i]);
            }
        }
        if (xs.Count > 0) yield return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>
    /// Maximal runs [a, b) of true; runs closer than one pixel column are merged and each is at least
    /// <see cref="MinSpanColumns"/> columns wide,
    /// so a single flagged row of a long file still shows and the span count stays bounded by the width.
    /// </summary>
    internal List<(int Start, int End)> Runs(bool[] marks)
    {
        int n = marks.Length;
        int pixel = Math.Max(1, (n + Columns - 1) / Columns);
        int least = Math.Max(1, (int)Math.Ceiling(MinSpanColumns * (double)n / Columns));
        var runs = new List<(int, int)>();
        for (int i = 0; i < n;)
        {
            if (!marks[i]) { i++; continue; }
            int a = i;
            while (i < n && marks[i]) i++;
            int b = Math.Min(n, Math.Max(i, a + least));
            if (runs.Count > 0 && a - runs[^1].Item2 < pixel) runs[^1] = (runs[^1].Item1, Math.Max(b, runs[^1].Item2));
            else runs.Add((a, b));
        }
        return runs;
    }

    private double[]? dates;
    private bool datesChecked;

    /// <summary><see cref="Timestamps"/> as axis coordinates when they strictly increase, else null (the x axis is then the index).</summary>
    private double[]? Dates
    {
        get
        {
            if (datesChecked) return dates;
            datesChecked = true;
            if (Timestamps is null) return null;
            var x = Timestamps.Select(t => t.ToOADate()).ToArray();
            for (int i = 1; i < x.Length; i++) if (!(x[i] > x[i - 1])) return null;
            return dates = x;
        }
    }

    private double X(int i) => Dates is { } d ? d[i] : i;

    /// <summary>The boundary before position <paramref name="i"/> (i = n: after the last), halfway between neighbours.</summary>
    private double Edge(int i)
    {
        int n = Score.Length;
        if (n == 0) return i;
        // one position: half a row either side, or half an hour (in days) on a date axis
        if (n == 1) return X(0) + (i == 0 ? -0.5 : 0.5) * (Dates is null ? 1 : 1.0 / 24);
        if (i == 0) return X(0) - (X(1) - X(0)) / 2;
        if (i >= n) return X(n - 1) + (X(n - 1) - X(n - 2)) / 2;
        return (X(i - 1) + X(i)) / 2;
    }
}
