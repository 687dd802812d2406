namespace RnnEngine.Models.Data;

/// <summary>
/// How to read a numeric CSV. Columns are chosen by header name (<see cref="Columns"/>, needs a header) or by 0-based
/// index (<see cref="ColumnIndices"/>); with neither, every column except the label column is a feature.
/// An optional label column (by name or index) gives the per-row anomaly flag (see <see cref="AnomalyLabel"/>).
/// </summary>
public sealed record CsvReadOptions
{
    public bool HasHeader { get; init; } = true;
    public char Delimiter { get; init; } = ',';
    public IReadOnlyList<string>? Columns { get; init; }
    public IReadOnlyList<int>? ColumnIndices { get; init; }
    public string? LabelColumn { get; init; }
    public int? LabelColumnIndex { get; init; }
}
