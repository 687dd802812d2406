using RnnEngine.Models.Architectures;
using RnnEngine.Models.Data.Seeds;

namespace RnnEngine.Models.Scoring;

/// <summary>Seed 004's score of a kernel-event trace: stride-w windows decoded greedily; per segment of
/// <c>segmentWindows</c> windows the fraction of predicted tokens that differ from the true next ones.</summary>
public static class TokenSegments
{
    /// <summary>Windows decoded together; a batch the size of seed 004's own inference.</summary>
    public const int DefaultBatch = 512;

    /// <returns>one rate per whole segment; a trailing partial segment is dropped (as the seed's loop did). Segment s
    /// predicts events [s S w + w, (s + 1) S w + w): the first w events are only input.</returns>
    public static double[] Rates(GruAttentionSeq2Seq model, KernelEventTrace trace, int startId, int window, int segmentWindows,
        int batch = DefaultBatch)
    {
        int w = window, tx = w + 1, ty = w;
        int windows = (trace.Length - w) / w;  // window k: input [k w, k w + w), target [k w + w, k w + 2 w)
        int segments = windows / segmentWindows;
        windows = segments * segmentWindows;
        var wrong = new int[windows];
        int b = Math.Min(batch, Math.Max(windows, 1));
        var src = new int[tx * b];
        var pred = new int[ty * b];
        int[] ids = trace.Ids;
        for (int first = 0; first < windows; first += b)
        {
            int n = Math.Min(b, windows - first);
            for (int r = 0; r < b; r++)
            {
                int p = (first + Math.Min(r, n - 1)) * w;  // a short last batch repeats its last window
                src[r] = startId;
                for (int k = 0; k < w; k++) src[(k + 1) * b + r] = ids[p + k];
            }
            model.Greedy(src, tx, ty, b, startId, pred);
            for (int r = 0; r < n; r++)
            {
                int p = (first + r) * w, miss = 0;
                for (int k = 0; k < w; k++) if (pred[k * b + r] != ids[p + w + k]) miss++;
                wrong[first + r] = miss;
            }
        }
        var rates = new double[segments];
        for (int s = 0; s < segments; s++)
        {
            int sum = 0;
            for (int k = 0; k < segmentWindows; k++) sum += wrong[s * segmentWindows + k];
            rates[s] = (double)sum / (segmentWindows * w);
        }
        return rates;
    }
}
