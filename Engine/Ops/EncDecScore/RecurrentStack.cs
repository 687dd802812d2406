using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>
/// The tensors of one recurrent layer, as the sequence ops read them (G = 4H for the LSTM, 3H for the GRU; gate blocks in
/// PyTorch order): W_ih [G, F], W_hh [G, H], b_ih, b_hh [G] and, for an LSTM with peepholes, [3, H] (rows w_ci, w_cf,
/// w_co). The same shape holds a layer's gradients.
/// </summary>
public readonly record struct RecurrentLayer(Tensor Wih, Tensor Whh, Tensor Bih, Tensor Bhh, Tensor? Peephole = null)
{
    public int Gates => Whh.Rows;
    public int Hidden => Whh.Cols;
    public int Input => Wih.Cols;
}

/// <summary>
/// The weights of a multi-layer LSTM or GRU as the fused scorer reads them: layer l has F_0 = Input, F_l = Hidden.
/// The fused paths have no peephole term, so an LSTM with peepholes has no stack.
/// </summary>
public sealed record RecurrentStack(bool IsGru, int Input, int Hidden, RecurrentLayer[] Layers)
{
    public int Depth => Layers.Length;
}
