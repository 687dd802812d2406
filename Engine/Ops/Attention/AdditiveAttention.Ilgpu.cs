using ILGPU;
using ILGPU.Runtime;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine;

/// <summary>Views and sizes of one attention step (ILGPU launchers take a bounded number of arguments).</summary>
internal struct AttentionViews
{
    public ArrayView<float> Keys, Query, V, Mask, Values, Tanh, Weights, Context, DContext, DQuery, DKeys, DValues;
    public int T, B, A, H, HasMask, SaveTanh;
}

public sealed partial class IlgpuBackend
{
    // v1: three launches per direction. Forward: scores per (t, b); softmax per b (T is short, one thread per row);
    // context per (b, h). Backward: dAlpha and dValues per (t, b); softmax backward per b; dKeys/dQuery per (b, a).
    private Action<Index1D, AttentionViews>? attnScores, attnSoftmax, attnContext, attnDAlpha, attnDSoftmax, attnDKeys;

    protected override void AdditiveAttentionForwardCore(int t, int b, int a, int h, Tensor keys, Tensor query, Tensor v,
        Tensor? mask, Tensor values, Tensor? tanh, Tensor weights, Tensor context)
    {
        attnScores ??= LoadAutoKernel<Index1D, AttentionViews>(AttentionScoresKernel);
        attnSoftmax ??= LoadAutoKernel<Index1D, AttentionViews>(AttentionSoftmaxKernel);
        attnContext ??= LoadAutoKernel<Index1D, AttentionViews>(AttentionContextKernel);
        var p = new AttentionViews
        {
            Keys = keys.View, Query = query.View, V = v.View, Mask = mask is null ? weights.View : mask.View, Values = values.View,
            Tanh = (tanh ?? keys).View, Weights = weights.View, Context = context.View, DContext = context.View, DQuery = query.View,
            DKeys = keys.View, DValues = values.View, T = t, B = b, A = a, H = h, HasMask = mask is null ? 0 : 1,
            SaveTanh = tanh is null ? 0 : 1,
        };
        attnScores(t * b, p);
        attnSoftmax(b, p);
        if (b * h > 0) attnContext(b * h, p);
    }

    protected override void AdditiveAttentionBackwardCore(int t, int b, int a, int h, Tensor values, Tensor weights, Tensor tanh,
        Tensor v, Tensor dContext, Tensor dScores, Tensor dQuery, Tensor dKeys, Tensor dValues)
    {
        attnDAlpha ??= LoadAutoKernel<Index1D, AttentionViews>(AttentionDAlphaKernel);
        attnDSoftmax ??= LoadAutoKernel<Index1D, AttentionViews>(AttentionDSoftmaxKernel);
        attnDKeys ??= LoadAutoKernel<Index1D, AttentionViews>(AttentionDKeysKernel);
        // The dScores tensor carries dAlpha between the first two launches and dScores after the second.
        var p = new AttentionViews
        {
            Keys = dKeys.View, Query = dQuery.View, V = v.View, Mask = dScores.View, Values = values.View, Tanh = tanh.View,
            Weights = weights.View, Context = dScores.View, DContext = dContext.View, DQuery = dQuery.View, DKeys = dKeys.View,
            DValues = dValues.View, T = t, B = b, A = a, H = h, HasMask = 0,
        };
        attnDAlpha(t * b, p);
        attnDSoftmax(b, p);
        if (b * a > 0) attnDKeys(b * a, p);
    }

    // One thread per (t, b) = index; writes tanh (unless inference) and the raw score e into Weights.
    private static void AttentionScoresKernel(Index1D idx, AttentionViews p)
    {
        int i = idx % p.B, row = idx * p.A;
        float e = 0;
        for (int c = 0; c < p.A; c++)
        {
            float x = ActivationMath.Tanh(p.Keys[row + c] + p.Query[i * p.A + c]);
            if (p.SaveTanh != 0) p.Tanh[row + c] = x;
            e += p.V[c] * x;
        }
        p.Weights[idx] = e;
    }

    // One thread per batch row: masked softmax of Weights[., b] in place.
    private static void AttentionSoftmaxKernel(Index1D i, AttentionViews p)
    {
        float max = float.NegativeInfinity;
        for (int s = 0; s < p.T; s++)
            if (p.HasMask == 0 || p.Mask[s * p.B + i] != 0f) { float e = p.Weights[s * p.B + i]; if (e > max) max = e; }
        float sum = 0;
        for (int s = 0; s < p.T; s++)
        {
            float x = p.HasMask == 0 || p.Mask[s * p.B + i] != 0f ? MathF.Exp(p.Weights[s * p.B + i] - max) : 0f;
            p.Weights[s * p.B + i] = x;
            sum += x;
        }
        float inv = sum > 0 ? 1f / sum : 0f;
        for (int s = 0; s < p.T; s++) p.Weights[s * p.B + i] *= inv;
    }

    // One thread per (b, j).
    private static void AttentionContextKernel(Index1D idx, AttentionViews p)
    {
        int i = idx / p.H, j = idx - i * p.H;
        float c = 0;
        for (int s = 0; s < p.T; s++) c += p.Weights[s * p.B + i] * p.Values[(s * p.B + i) * p.H + j];
        p.Context[idx] = c;
    }

    // One thread per (t, b) = index: dAlpha into Context (= dScores), dValues += alpha * dContext.
    private static void AttentionDAlphaKernel(Index1D idx, AttentionViews p)
    {
        int i = idx % p.B, row = idx * p.H;
        float w = p.Weights[idx], da = 0;
        for (int j = 0; j < p.H; j++)
        {
            float dc = p.DContext[i * p.H + j];
            da += dc * p.Values[row + j];
            p.DValues[row + j] += w * dc;
        }
        p.Context[idx] = da;
    }

    // One thread per batch row: dScores = alpha * (dAlpha - sum_t alpha dAlpha), in place.
    private static void AttentionDSoftmaxKernel(Index1D i, AttentionViews p)
    {
        float dot = 0;
        for (int s = 0; s < p.T; s++) dot += p.Weights[s * p.B + i] * p.Context[s * p.B + i];
        for (int s = 0; s < p.T; s++) p.Context[s * p.B + i] = p.Weights[s * p.B + i] * (p.Context[s * p.B + i] - dot);
    }

    // One thread per (b, a): dKeys[t, b, a] += dScores * v * (1 - tanh^2), dQuery = the same summed over t.
    private static void AttentionDKeysKernel(Index1D idx, AttentionViews p)
    {
        int i = idx / p.A, c = idx - i * p.A;
        float vc = p.V[c], dq = 0;
        for (int s = 0; s < p.T; s++)
        {
            int k = (s * p.B + i) * p.A + c;
            float x = p.Tanh[k];
            float g = p.Context[s * p.B + i] * vc * (1 - x * x);
            p.DKeys[k] += g;
            dq += g;
        }
        p.DQuery[idx] = dq;
    }
}
