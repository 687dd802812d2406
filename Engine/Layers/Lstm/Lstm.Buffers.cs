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
        saved = new SequenceBuffers(device, t, b, HiddenSize, NumLayers, Dropout > 0f);
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
        private readonly Tensor gates;
        public readonly Tensor Hs, Cs;        // [T+1, B, H]: the whole state sequences (the cpu sweep walks them)
        public readonly Tensor GatesFlat;     // [T*B, 4H]: pre-activations, then (in place) activated i, f, g, o
        public readonly Tensor[] HStep, CStep; // [B, H] per step, T+1 of each
        public readonly Tensor Outputs;       // [T*B, H] = h_0..h_{T-1}: this layer's output sequence

        public readonly Tensor? DroppedInput, DropoutMask; // [T*B, H] for layers above the first when dropout is on

        public LayerBuffers(Backend device, int t, int b, int hidden, bool dropoutInput)
        {
            if (dropoutInput)
            {
                DroppedInput = device.Zeros(t * b, hidden);
                DropoutMask = device.Zeros(t * b, hidden);
            }
            gates = device.Zeros(t, b, 4 * hidden);
            Hs = device.Zeros(t + 1, b, hidden);
            Cs = device.Zeros(t + 1, b, hidden);
            GatesFlat = gates.Reshape(t * b, 4 * hidden);
            HStep = Steps(Hs, t + 1);
            CStep = Steps(Cs, t + 1);
            Outputs = Hs.Slice(b * hidden, t * b, hidden);
        }

        public void Dispose()
        {
            gates.Dispose();
            Hs.Dispose();
            Cs.Dispose();
            DroppedInput?.Dispose();
            DropoutMask?.Dispose();
        }
    }

    private sealed class SequenceBuffers : IDisposable
    {
        public readonly int T, B;
        public bool ForwardDone;
        public bool DropoutApplied;            // the last forward masked the inputs between layers
        public Tensor? Input;                  // the x of the last forward, read again for dW_ih
        public readonly LayerBuffers[] Layers;
        public readonly Tensor ZeroState;      // [B, H] zeros for an absent h0 / c0
        private readonly Tensor dGates, dOutputs;
        public readonly Tensor DGatesFlat;     // [T*B, 4H], shared by the layers (each finishes with it before the next)
        public readonly Tensor DOutputs;       // [T*B, H] gradient of the layer below's outputs
        private readonly ViewCache[] caches;   // caller tensors: 0 h0, 1 c0, 2 hN, 3 cN, 4 dhN, 5 dcN, 6 dh0, 7 dc0

        public SequenceBuffers(Backend device, int t, int b, int hidden, int layers, bool dropout)
        {
            T = t;
            B = b;
            Layers = new LayerBuffers[layers];
            for (int l = 0; l < layers; l++) Layers[l] = new LayerBuffers(device, t, b, hidden, dropout && l > 0);
            ZeroState = device.Zeros(b, hidden);
            dGates = device.Zeros(t, b, 4 * hidden);
            DGatesFlat = dGates.Reshape(t * b, 4 * hidden);
            dOutputs = device.Zeros(t, b, hidden);
            DOutputs = dOutputs.Reshape(t * b, hidden);
            caches = new ViewCache[8];
            for (int i = 0; i < caches.Length; i++) caches[i] = new ViewCache();
        }

        public Tensor[]? LayerViews(int slot, Tensor? tensor) => tensor is null ? null : caches[slot].Get(tensor);

        // x as [T*B, F], kept while the caller passes the same x: a Reshape per forward allocates (streaming runs one per row)
        private Tensor? flatSource, flatInput;

        public Tensor FlatInput(Tensor x, int features)
        {
            if (!ReferenceEquals(x, flatSource)) { flatInput = x.Reshape(T * B, features); flatSource = x; }
            return flatInput!;
        }

        public void Dispose()
        {
            foreach (var l in Layers) l.Dispose();
            ZeroState.Dispose();
            dGates.Dispose();
            dOutputs.Dispose();
        }
    }

    private sealed class StepBuffers : IDisposable
    {
        public readonly int B;
        public readonly Tensor Gates;          // [B, 4H]
        public readonly Tensor HPairAll, CPairAll; // [2, B, H]: state in, state out (the cpu runs a step as a one-step sweep)
        public readonly Tensor[] HPair, CPair;
        public readonly ViewCache H = new(), C = new();

        public StepBuffers(Backend device, int b, int hidden)
        {
            B = b;
            Gates = device.Zeros(b, 4 * hidden);
            HPairAll = device.Zeros(2, b, hidden);
            CPairAll = device.Zeros(2, b, hidden);
            HPair = Steps(HPairAll, 2);
            CPair = Steps(CPairAll, 2);
        }

        public void Dispose()
        {
            Gates.Dispose();
            HPairAll.Dispose();
            CPairAll.Dispose();
        }
    }

    private static Tensor[] Steps(Tensor sequence, int count)
    {
        var v = new Tensor[count];
        for (int i = 0; i < count; i++) v[i] = sequence.At(i);
        return v;
    }
}
