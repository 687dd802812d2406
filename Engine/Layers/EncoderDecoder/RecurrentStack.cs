using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

/// <summary>
/// The weights of a multi-layer LSTM or GRU as the fused cpu paths read them: per layer W_ih [G, F_l], W_hh [G, H],
/// b_ih, b_hh [G] (G = 4H for the LSTM, 3H for the GRU; gate blocks in PyTorch order), F_0 = Input, F_l = Hidden.
/// </summary>
internal sealed record RecurrentStack(bool IsGru, int Input, int Hidden, int Layers, Tensor[] Wih, Tensor[] Whh, Tensor[] Bih, Tensor[] Bhh)
{
    /// <summary>The stack of an LSTM without peepholes (the fused paths have no peephole term), else null.</summary>
    public static RecurrentStack? Of(Lstm lstm) =>
        lstm.Peephole ? null : FromParameters(false, lstm.InputSize, lstm.HiddenSize, lstm.NumLayers, lstm.Parameters);

    public static RecurrentStack Of(Gru gru) => FromParameters(true, gru.InputSize, gru.HiddenSize, gru.NumLayers, gru.Parameters);

    // Both layers list their parameters per layer as weight_ih, weight_hh, bias_ih, bias_hh.
    private static RecurrentStack FromParameters(bool gru, int input, int hidden, int layers, IReadOnlyList<Parameter> ps)
    {
        Tensor[] Pick(int k)
        {
            var t = new Tensor[layers];
            for (int l = 0; l < layers; l++) t[l] = ps[4 * l + k].Value;
            return t;
        }
        return new RecurrentStack(gru, input, hidden, layers, Pick(0), Pick(1), Pick(2), Pick(3));
    }
}
