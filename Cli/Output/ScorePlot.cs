using System.Globalization;

namespace RnnEngine.Cli.Output;

/// <summary>
/// The PNG of `rnnengine score --plot FILE.png`: the scored file's columns on top (each standardised, so columns of any
/// unit share one axis), the anomaly score with its threshold below, flagged rows and labelled anomalies shaded.
/// </summary>
public static class ScorePlot
{
    /// <summary>More lines than this in one panel stop being readable.</summary>
    public const int MaxColumns = 6;

    /// <param name="path">The PNG to write (via path + ".tmp", so a failure leaves none half-written).</param>
    /// <param name="title">Names the model and the data file.</param>
    /// <param name="columnNames">One name per feature.</param>
    /// <param name="values">Row-major [rows, features], as read (unscaled).</param>
    /// <param name="scores">One per row, NaN where the row has no score yet (before the first full window).</param>
    /// <param name="flagged">One per row: rows the detector flagged.</param>
    /// <param name="labels">One per row when the file carries anomaly labels.</param>
    /// <param name="timestamps">One per row when the file carries dates: the x axis then shows them.</param>
    public static void Write(string path, string title, IReadOnlyList<string> columnNames, float[] values, int features,
        double[] scores, double threshold, bool[] flagged, bool[]? labels = null, DateTime[]? timestamps = null,
        int width = 1600, int height = 700)
    {
        int rows = scores.Length;
        if (features <= 0 || columnNames.Count != features)
            throw new ArgumentException($"{columnNames.Count} column names for {features} features");
        if (values.Length != (long)rows * features)
            throw new ArgumentException($"{values.Length} values are not {rows} rows x {features} features");

        int[] drawn = PickColumns(values, features, rows, flagged);
        var series = drawn.Select(c => new PlotLine(columnNames[c], Standardised(values, features, rows, c))).ToArray();
        string subtitle = drawn.Length == features
            ? $"{rows:N0} rows, {features} column{(features == 1 ? "" : "s")}"
            : $"{rows:N0} rows; {drawn.Length} of {features} columns drawn: those farthest from their mean on the flagged rows";
        new AnomalyPlot
        {
            Title = title,
            Subtitle = string.Create(CultureInfo.InvariantCulture, $"{subtitle}; {flagged.Count(f => f):N0} rows flagged"),
            Series = series,
            SeriesLabel = "value (standardised per column)",
            Score = scores,
            ScoreName = "anomaly score",
            Threshold = threshold,
            Labels = labels,
            Flagged = flagged,
            FlaggedName = "flagged rows",
            Timestamps = timestamps,
            Width = width,
            Height = height,
        }.Save(path);
    }

    /// <summary>
    /// All columns when they fit; otherwise those whose flagged rows sit farthest (mean |z|) from the column's mean,
    /// since those show why rows were flagged (the first ones when nothing is flagged), kept in file order.
    /// </summary>
    internal static int[] PickColumns(float[] values, int features, int rows, bool[] flagged)
    {
        if (features <= MaxColumns) return Enumerable.Range(0, features).ToArray();
        if (!flagged.Contains(true)) return Enumerable.Range(0, MaxColumns).ToArray();
        var distance = new double[features];
        for (int c = 0; c < features; c++)
        {
            var (mean, sd) = Moments(values, features, rows, c);
            double sum = 0;
            int count = 0;
            for (int r = 0; r < rows; r++)
            {
                double v = values[r * features + c];
                if (!flagged[r] || !double.IsFinite(v)) continue;
                sum += Math.Abs(v - mean) / sd;
                count++;
            }
            distance[c] = count == 0 ? 0 : sum / count;
        }
        return Enumerable.Range(0, features).OrderByDescending(c => distance[c]).ThenBy(c => c)
            .Take(MaxColumns).Order().ToArray();
    }

    private static double[] Standardised(float[] values, int features, int rows, int column)
    {
        var (mean, sd) = Moments(values, features, rows, column);
        var z = new double[rows];
        for (int r = 0; r < rows; r++) z[r] = (values[r * features + column] - mean) / sd;
        return z;
    }

    /// <summary>Mean and standard deviation over the finite values; a constant column gets sd 1 (drawn at 0).</summary>
    private static (double Mean, double Sd) Moments(float[] values, int features, int rows, int column)
    {
        double sum = 0;
        int count = 0;
        for (int r = 0; r < rows; r++)
        {
            double v = values[r * features + column];
            if (!double.IsFinite(v)) continue;
            sum += v;
            count++;
        }
        if (count == 0) return (0, 1);
        double mean = sum / count, squares = 0;
        // two passes: sum of squares minus the squared mean cancels badly for large offsets such as epoch seconds
        for (int r = 0; r < rows; r++)
        {
            double v = values[r * features + column];
            if (double.IsFinite(v)) squares += (v - mean) * (v - mean);
        }
        double sd = Math.Sqrt(squares / count);
        return (mean, sd > 1e-12 * Math.Max(1, Math.Abs(mean)) ? sd : 1);
    }
}
