using RnnEngine.Engine;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tensors;

namespace RnnEngine.Models.Architectures;

/// <summary>How the EncDec-AD decoder gets its inputs at inference.</summary>
public enum DecodeMode
{
    /// <summary>The true previous value, as in training (seed 001 does this at inference too).</summary>
    Teacher,

    /// <summary>The decoder's own previous output (Malhotra et al. 2016).</summary>
    Free,
}

/// <summary>
/// EncDec-AD (Malhotra et al. 2016, seed 001): a peephole LSTM encoder reads the window; its final (h, c) starts a
/// peephole LSTM decoder with a linear output that reconstructs the window in reverse order: decoder step k estimates
/// x[T-1-k]. Step 0 is fed a vector of ones, step k > 0 the true x[T-k] in training (teacher forcing) and, at
/// inference, either the same (<see cref="DecodeMode.Teacher"/>) or its own previous estimate (<see cref="DecodeMode.Free"/>).
/// The seed's dropout (keep 0.8) is not applied: with a single layer the contract's layer dropout has no place to act.
/// </summary>
public sealed class EncDecAd : IWindowModel
{
    private readonly Lstm encoder, decoder;
    private readonly Linear head;
    private readonly List<Parameter> parameters;

    // buffers for the current batch size B; time-major [T, B, *]
    private int batch = -1;
    private Tensor x = null!, decIn = null!, reversed = null!, encY = null!, decY = null!, hN = null!, cN = null!;
    private Tensor output = null!, gradOut = null!, gradDecY = null!, dh0 = null!, dc0 = null!, zeroDy = null!;
    private Tensor stepIn = null!, stepY = null!, h = null!, c = null!;
    private Tensor[] outSteps = [];
    private float[] hostX = [], hostDecIn = [], hostRev = [], hostOut = [];

    public EncDecAd(Backend device, int window, int features, int hidden, ulong seed, DecodeMode decode = DecodeMode.Teacher)
    {
        Device = device;
        Window = window;
        Features = features;
        Hidden = hidden;
        Decode = decode;
        encoder = new Lstm(device, features, hidden, numLayers: 1, peephole: true, dropout: 0f, seed: seed);
        decoder = new Lstm(device, features, hidden, numLayers: 1, peephole: true, dropout: 0f, seed: seed + 1);
        head = new Linear(device, hidden, features, bias: true, seed: seed + 2);
        parameters = [.. encoder.Parameters, .. decoder.Parameters, .. head.Parameters];
        ParameterNames = [.. encoder.Parameters.Select(p => "encoder." + p.Name), .. decoder.Parameters.Select(p => "decoder." + p.Name),
            .. head.Parameters.Select(p => "head." + p.Name)];
    }

    public string Kind => "encdec-ad";
    public Backend Device { get; }
    public int Window { get; }
    public int Features { get; }
    public int Hidden { get; }
    public DecodeMode Decode { get; set; }
    public IReadOnlyList<Parameter> Parameters => parameters;
    public IReadOnlyList<string> ParameterNames { get; }

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, int batchSize)
    {
        Stage(input, batchSize);
        encoder.Forward(x, null, null, encY, hN, cN, training: true);
        decoder.Forward(decIn, hN, cN, decY, null, null, training: true);
        head.Forward(decY, output);
        float loss = Device.MseLoss(output, reversed, gradOut);
        head.Backward(gradOut, gradDecY);
        // decoder inputs are data (teacher forcing): no gradient flows into them
        decoder.Backward(gradDecY, null, null, null, dh0, dc0);
        encoder.Backward(zeroDy, dh0, dc0, null, null, null);
        return loss;
    }

    public void Predict(ReadOnlySpan<float> input, int batchSize, Span<float> result)
    {
        Stage(input, batchSize);
        encoder.Forward(x, null, null, encY, hN, cN, training: false);
        if (Decode == DecodeMode.Teacher)
        {
            decoder.Forward(decIn, hN, cN, decY, null, null, training: false);
            head.Forward(decY, output);
        }
        else
        {
            Device.Copy(hN, h);
            Device.Copy(cN, c);
            Device.Fill(stepIn, 1f);
            for (int k = 0; k < Window; k++)
            {
                decoder.Step(stepIn, h, c, stepY);
                head.Forward(stepY, outSteps[k]);
                Device.Copy(outSteps[k], stepIn);
            }
        }
        output.CopyTo(hostOut);
        // output step k estimates x[T-1-k]: undo the reversal while going back to [B, T, F]
        int n = batchSize * Features;
        for (int k = 0; k < Window; k++)
            hostOut.AsSpan(k * n, n).CopyTo(hostRev.AsSpan((Window - 1 - k) * n, n));
        HostLayout.ToBatchMajor(hostRev, result, batchSize, Window, Features);
    }

    /// <summary>Uploads x, the decoder inputs (ones, then x reversed) and the reversed targets, time-major.</summary>
    private void Stage(ReadOnlySpan<float> input, int batchSize)
    {
        int need = batchSize * Window * Features;
        if (input.Length != need)
            throw new ArgumentException($"{Kind}: input has {input.Length} values, expected [B={batchSize}, T={Window}, F={Features}]");
        Ensure(batchSize);
        HostLayout.ToTimeMajor(input, hostX, batchSize, Window, Features);
        int n = batchSize * Features;
        hostDecIn.AsSpan(0, n).Fill(1f);
        for (int k = 0; k < Window; k++)
        {
            // step k reconstructs x[T-1-k] and, for k > 0, is fed x[T-k]
            hostX.AsSpan((Window - 1 - k) * n, n).CopyTo(hostRev.AsSpan(k * n, n));
            if (k > 0) hostX.AsSpan((Window - k) * n, n).CopyTo(hostDecIn.AsSpan(k * n, n));
        }
        x.CopyFrom(hostX);
        decIn.CopyFrom(hostDecIn);
        reversed.CopyFrom(hostRev);
    }

    private void Ensure(int b)
    {
        if (b == batch) return;
        FreeBuffers();
        batch = b;
        int t = Window, f = Features, hd = Hidden;
        x = Device.Zeros(t, b, f);
        decIn = Device.Zeros(t, b, f);
        reversed = Device.Zeros(t, b, f);
        output = Device.Zeros(t, b, f);
        gradOut = Device.Zeros(t, b, f);
        encY = Device.Zeros(t, b, hd);
        decY = Device.Zeros(t, b, hd);
        gradDecY = Device.Zeros(t, b, hd);
        zeroDy = Device.Zeros(t, b, hd);
        hN = Device.Zeros(1, b, hd);
        cN = Device.Zeros(1, b, hd);
        dh0 = Device.Zeros(1, b, hd);
        dc0 = Device.Zeros(1, b, hd);
        h = Device.Zeros(1, b, hd);
        c = Device.Zeros(1, b, hd);
        stepIn = Device.Zeros(b, f);
        stepY = Device.Zeros(b, hd);
        outSteps = new Tensor[t];
        for (int k = 0; k < t; k++) outSteps[k] = output.At(k);
        hostX = new float[t * b * f];
        hostDecIn = new float[t * b * f];
        hostRev = new float[t * b * f];
        hostOut = new float[t * b * f];
    }

    private void FreeBuffers()
    {
        if (batch < 0) return;
        foreach (var tensor in new[] { x, decIn, reversed, output, gradOut, encY, decY, gradDecY, zeroDy, hN, cN, dh0, dc0, h, c, stepIn, stepY })
            tensor.Dispose();
        batch = -1;
    }

    public void Dispose()
    {
        FreeBuffers();
        encoder.Dispose();
        decoder.Dispose();
        head.Dispose();
    }
}
