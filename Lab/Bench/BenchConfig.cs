namespace RnnEngine.Models.Bench;

/// <summary>The peer workloads' architectures (shared/peers/torch_seq_ae.py --arch).</summary>
public enum BenchArch { Lstm, Gru, GruAttn }

/// <summary>
/// One cell of the peer benchmark: architecture, features F, window L, hidden H, batch B, recurrent layers and the seed
/// that drives initialisation and the synthetic data.
/// </summary>
public sealed record BenchConfig(BenchArch Arch, int Features, int Window, int Hidden, int Batch, int Layers, ulong Seed = 0)
{
    public static BenchArch ParseArch(string name) => name switch
    {
        "lstm" => BenchArch.Lstm,
        "gru" => BenchArch.Gru,
        "gru-attn" => BenchArch.GruAttn,
        _ => throw new ArgumentException($"bench: unknown arch '{name}' (lstm, gru, gru-attn)"),
    };

    public string ArchName => Arch switch { BenchArch.Lstm => "lstm", BenchArch.Gru => "gru", _ => "gru-attn" };

    public void Validate()
    {
        if (Features <= 0 || Hidden <= 0 || Batch <= 0 || Layers <= 0 || Window < 2)
            throw new ArgumentException($"bench: F {Features}, H {Hidden}, B {Batch}, layers {Layers} must be positive and window {Window} >= 2");
    }

    /// <summary>
    /// Trainable values of the peer's model for these flags, counted from PyTorch's module definitions (nn.LSTM / nn.GRU:
    /// G*H*(F_l + H) + 2*G*H per layer; nn.Linear: in*out + out; GRUCell(F + H, H) for the attention decoder's first cell).
    /// </summary>
    public long PeerParameterCount()
    {
        long f = Features, h = Hidden;
        long Rnn(long gates, long input) // one nn.LSTM/nn.GRU stack of Layers layers
        {
            long total = 0;
            for (int l = 0; l < Layers; l++) total += gates * h * ((l == 0 ? input : h) + h) + 2 * gates * h;
            return total;
        }
        return Arch switch
        {
            BenchArch.Lstm => 2 * Rnn(4, f) + h * f + f,
            BenchArch.Gru => 2 * Rnn(3, f) + h * f + f,
            // encoder, W_s (no bias), W_h (+ bias), v, the GRU-cell stack (same count as an nn.GRU on input F + H), Linear(2H, F)
            _ => Rnn(3, f) + h * h + (h * h + h) + h + Rnn(3, f + h) + 2 * h * f + f,
        };
    }
}
