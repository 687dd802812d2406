namespace RnnEngine.Models.Data;

/// <summary>
/// A multivariate time series held row-major: <see cref="Values"/> is [Length, Features] (time first), with an optional
/// per-row anomaly label. <see cref="Source"/> names where it came from, for messages.
/// </summary>
public sealed class Series
{
    public float[] Values { get; }
    public int Length { get; }
    public int Features { get; }
    public bool[]? Labels { get; }
    public string Source { get; }
    public IReadOnlyList<string> ColumnNames { get; }
    /// <summary>One time per row when the file had a column of dates (kept out of <see cref="Values"/>), else null.</summary>
    public DateTime[]? Timestamps { get; init; }
    /// <summary>The header name of that column.</summary>
    public string? TimestampColumn { get; init; }

    public Series(float[] values, int features, bool[]? labels = null, string source = "", IReadOnlyList<string>? columnNames = null)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), "a series needs at least one feature");
        if (values.Length % features != 0)
            throw new ArgumentException($"{values.Length} values do not make whole rows of {features} features");
        Values = values;
        Features = features;
        Length = values.Length / features;
        if (labels is not null && labels.Length != Length)
            throw new ArgumentException($"{labels.Length} labels for {Length} rows");
        Labels = labels;
        Source = source;
        ColumnNames = columnNames ?? Enumerable.Range(0, features).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public ReadOnlySpan<float> Row(int t) => Values.AsSpan(t * Features, Features);

    /// <summary>Rows [start, start + count) as a new series (copies), labels included.</summary>
    public Series Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows [{start}, {start + count}) outside a series of {Length} rows");
        float[] v = Values.AsSpan(start * Features, count * Features).ToArray();
        bool[]? l = Labels?.AsSpan(start, count).ToArray();
        return new Series(v, Features, l, Source, ColumnNames)
        {
            Timestamps = Timestamps?.AsSpan(start, count).ToArray(), TimestampColumn = TimestampColumn,
        };
    }

    public Series WithLabels(bool[] labels) => new(Values, Features, labels, Source, ColumnNames)
    {
        Timestamps = Timestamps, TimestampColumn = TimestampColumn,
    };
}
