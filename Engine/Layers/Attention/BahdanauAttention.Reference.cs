namespace RnnEngine.Engine;

public static partial class Reference
{
    /// <summary>
    /// Float64 spec of one <see cref="Layers.BahdanauAttention"/> step: encoder [T, B, H], query [B, Q], mask [T, B] or
    /// empty, W1 [A, H], b1 [A], W2 [A, Q], v [A] -> context [B, H] and weights [T, B].
    /// </summary>
    public static void BahdanauAttention(int t, int b, int h, int q, int a, ReadOnlySpan<double> encoder, ReadOnlySpan<double> query,
        ReadOnlySpan<double> mask, ReadOnlySpan<double> w1, ReadOnlySpan<double> b1, ReadOnlySpan<double> w2, ReadOnlySpan<double> v,
        Span<double> context, Span<double> weights)
    {
        var keys = new double[t * b * a];
        for (int r = 0; r < t * b; r++)
        for (int k = 0; k < a; k++)
        {
            double sum = b1[k];
            for (int j = 0; j < h; j++) sum += w1[k * h + j] * encoder[r * h + j];
            keys[r * a + k] = sum;
        }
        var qp = new double[b * a];
        for (int i = 0; i < b; i++)
        for (int k = 0; k < a; k++)
        {
            double sum = 0;
            for (int j = 0; j < q; j++) sum += w2[k * q + j] * query[i * q + j];
            qp[i * a + k] = sum;
        }
        AdditiveAttentionForward(t, b, a, h, keys, qp, v, mask, encoder, new double[t * b * a], weights, context);
    }
}
