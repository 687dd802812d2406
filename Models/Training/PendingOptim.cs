using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

// Stand-in until branch `ops` lands Adam (host round trips, not for timing); delete on merging `ops`.
namespace RnnEngine.Engine.Optim
{
    internal sealed class Adam(Backend device, IReadOnlyList<Parameter> parameters, float learningRate = 1e-3f)
    {
        private readonly float[][] m = [.. parameters.Select(p => new float[p.Length])];
        private readonly float[][] v = [.. parameters.Select(p => new float[p.Length])];
        private int t;

        public Backend Device => device;

        public void ZeroGrad()
        {
            foreach (var p in parameters) p.ZeroGrad();
        }

        public void Step()
        {
            t++;
            double c1 = 1 - Math.Pow(0.9, t), c2 = 1 - Math.Pow(0.999, t);
            for (int k = 0; k < parameters.Count; k++)
            {
                float[] w = parameters[k].Value.ToArray(), g = parameters[k].Grad.ToArray();
                for (int i = 0; i < w.Length; i++)
                {
                    m[k][i] = 0.9f * m[k][i] + 0.1f * g[i];
                    v[k][i] = 0.999f * v[k][i] + 0.001f * g[i] * g[i];
                    w[i] -= (float)(learningRate * (m[k][i] / c1) / (Math.Sqrt(v[k][i] / c2) + 1e-8));
                }
                parameters[k].Value.CopyFrom(w);
            }
        }
    }
}
