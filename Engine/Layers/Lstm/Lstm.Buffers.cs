using RnnEngine.Engine.Tensors;

namespace RnnEngine.Engine.Layers;

public sealed partial class Lstm
{
    private SequenceBuffers? saved;
    private StepBuffers? stepState;

    /// <summary>The saved-activation buffers for (T, B): reused while the shape repeats, rebuilt when it changes.</summary>
    private SequenceBuffers Buffers(int t, int b)
    {
        if (saved is not null && saved.T == t && saved.B == b) return saved;
        saved?.Dispose();
        saved = new SequenceBuffers(device, t, b, HiddenSize, NumLayers);
        return saved;
    }

    private StepBuffers StepBuffersFor(int b)
    {
        if (stepState is not null && stepState.B == b) return stepState;
        stepState?.Dispose();
        stepState = new StepBuffers(device, b, HiddenSize);
        return stepState;
    }

    /// <summary>First-axis views of a caller's tensor, rebuilt only when a different tensor object arrives.</summary>
    private sealed class ViewCache
    {
        private Tensor? source;
        private Tensor[] views = [];

        public Tensor[] Get(Tensor tensor)
        {
            if (ReferenceEquals(tensor, source)) return views;
            var v = new Tensor[tensor.Dim(0)];
            for (int i = 0; i < v.Length; i++) v[i] = tensor.At(i);
            source = tensor;
            views = v;
            return v;
        }
    }

    /// <summary>Per-layer saved activations of one forward. Hs, Cs are [T+1, B, H] with the initial state at index 0.</summary>
    private sealed class LayerBuffers : IDisposable
    {
        private readonly Tensor gates, hs, cs;
        public readonly Tensor GatesFlat;     // [T*B, 4H]: pre-activations, then (in place) activated i, f, g, o
        public readonly Tensor[] GateStep;    // [B, 4H] per step
        public readonly Tensor[] HStep, CStep; // [B, H] per step, T+1 of each
        public readonly Tensor Outputs;       // [T*B, H] = h_0..h_{T-1}: this layer's output sequence
        public readonly Tensor PrevStates;    // [T*B, H] = h_{-1}..h_{T-2}: the recurrent GEMM inputs, for dW_hh

        public LayerBuffers(Backend device, int t, int b, int hidden)
        {
            gates = device.Zeros(t, b, 4 * hidden);
            hs = device.Zeros(t + 1, b, hidden);
            cs = device.Zeros(t + 1, b, hidden);
            GatesFlat = gates.Reshape(t * b, 4 * hidden);
            GateStep = Steps(gates, t);
            HStep = Steps(hs, t + 1);
            CStep = Steps(cs, t + 1);
            Outputs = hs.Slice(b * hidden, t * b, hidden);
            PrevStates = hs.Slice(0, t * b, hidden);
        }

        public void Dispose()
        {
            gates.Dispose();
            hs.Dispose();
            cs.Dispose();
        }
    }

    private sealed class SequenceBuffers : IDisposable
    {
        public readonly int T, B;
        public bool ForwardDone;
        public Tensor? Input;                  // the x of the last forward, read again for dW_ih
        public readonly LayerBuffers[] Layers;
        public readonly Tensor ZeroState;      // [B, H] zeros for an absent h0 / c0
        public readonly Tensor BiasSum;        // [4H]: b_ih + b_hh in the forward, the bias gradient in the backward
        private readonly Tensor dGates, dOutputs;
        public readonly Tensor DGatesFlat;     // [T*B, 4H], shared by the layers (each finishes with it before the next)
        public readonly Tensor[] DGateStep;
        public readonly Tensor DOutputs;       // [T*B, H] gradient of the layer below's outputs
        public readonly Tensor[] DOutputStep;
        public readonly Tensor DhRec, DcCarry; // [B, H] recurrent gradients carried from step t+1 to t
        private readonly ViewCache[] caches;   // caller tensors: 0 h0, 1 c0, 2 hN, 3 cN, 4 dhN, 5 dcN, 6 dh0, 7 dc0
        private readonly ViewCache steps = new();

        public SequenceBuffers(Backend device, int t, int b, int hidden, int layers)
        {
            T = t;
            B = b;
            Layers = new LayerBuffers[layers];
            for (int l = 0; l < layers; l++) Layers[l] = new LayerBuffers(device, t, b, hidden);
            ZeroState = device.Zeros(b, hidden);
            BiasSum = device.Zeros(4 * hidden);
            dGates = device.Zeros(t, b, 4 * hidden);
            DGatesFlat = dGates.Reshape(t * b, 4 * hidden);
            DGateStep = Steps(dGates, t);
            dOutputs = device.Zeros(t, b, hidden);
            DOutputs = dOutputs.Reshape(t * b, hidden);
            DOutputStep = Steps(dOutputs, t);
            DhRec = device.Zeros(b, hidden);
            DcCarry = device.Zeros(b, hidden);
            caches = new ViewCache[8];
            for (int i = 0; i < caches.Length; i++) caches[i] = new ViewCache();
        }

        public Tensor[]? LayerViews(int slot, Tensor? tensor) => tensor is null ? null : caches[slot].Get(tensor);

        public Tensor[] StepViews(Tensor sequence) => steps.Get(sequence);

        public void Dispose()
        {
            foreach (var l in Layers) l.Dispose();
            ZeroState.Dispose();
            BiasSum.Dispose();
            dGates.Dispose();
            dOutputs.Dispose();
            DhRec.Dispose();
            DcCarry.Dispose();
        }
    }

    private sealed class StepBuffers : IDisposable
    {
        public readonly int B;
        public readonly Tensor Gates;          // [B, 4H]
        public readonly Tensor BiasSum;        // [4H]: b_ih + b_hh
        public readonly ViewCache H = new(), C = new();

        public StepBuffers(Backend device, int b, int hidden)
        {
            B = b;
            Gates = device.Zeros(b, 4 * hidden);
            BiasSum = device.Zeros(4 * hidden);
        }

        public void Dispose()
        {
            Gates.Dispose();
            BiasSum.Dispose();
        }
    }

    private static Tensor[] Steps(Tensor sequence, int count)
    {
        var v = new Tensor[count];
        for (int i = 0; i < count; i++) v[i] = sequence.At(i);
        return v;
    }
}
