using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// A multi-layer recurrent layer over time-major sequences, LSTM or GRU, so models hold one field whatever the cell.
/// Shapes: x [T, B, F], y [T, B, H], states [L, B, H]. The cell state c exists only where <see cref="HasCellState"/>
/// (the LSTM); a GRU ignores every c argument (c0, cN, dcN, dc0 and Step's c), so callers may pass them either way.
/// </summary>
public interface IRecurrent : IDisposable
{
    int InputSize { get; }
    int HiddenSize { get; }
    int NumLayers { get; }
    bool HasCellState { get; }
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The weights as the fused scorer reads them, or null where it has no path (an LSTM with peepholes).</summary>
    RecurrentStack? Stack { get; }

    /// <summary>Full-sequence forward from h0 (and c0; null = zeros), saving what <see cref="Backward"/> needs.</summary>
    void Forward(Tensor x, Tensor? h0, Tensor? c0, Tensor y, Tensor? hN, Tensor? cN, bool training);

    /// <summary>BPTT through the last forward: writes dx, dh0, dc0 where given and accumulates the parameter gradients.</summary>
    void Backward(Tensor dy, Tensor? dhN, Tensor? dcN, Tensor? dx, Tensor? dh0, Tensor? dc0);

    /// <summary>One inference step: x [B, F]; h (and c) [L, B, H] updated in place; y [B, H] the top layer's new h.</summary>
    void Step(Tensor x, Tensor h, Tensor? c, Tensor y);
}
