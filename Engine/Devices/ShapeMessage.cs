using System.Runtime.CompilerServices;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// Interpolated-string handler for <see cref="Backend"/>'s shape checks: formats the expected shape only when the tensor's
/// length is wrong (the message is then needed), so a passing check builds no string.
/// </summary>
[InterpolatedStringHandler]
public ref struct ShapeMessage
{
    private DefaultInterpolatedStringHandler inner;
    private readonly bool active;

    public ShapeMessage(int literalLength, int formattedCount, Tensor t, int expectedLength, out bool shouldAppend)
    {
        active = shouldAppend = t.Length != expectedLength;
        inner = active ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => inner.AppendFormatted(value);

    public string ToStringAndClear() => active ? inner.ToStringAndClear() : "";
}
