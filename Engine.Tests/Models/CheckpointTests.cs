using RnnEngine.Engine.IO;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Checkpoint;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using Xunit;

namespace RnnEngine.Engine.Tests.Models;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempFiles files = new();
    public void Dispose() => files.Dispose();

    [Fact]
    public void DetectorRoundTrip()
    {
        Backend cpu = TestBackends.Get("cpu");
        using var w = new Parameter(cpu, "dec.linear.w", 2, 3);
        w.InitUniform(0.5, seed: 3, stream: 1);
        var scaler = new MinMaxScaler();
        scaler.Fit([1, 10, 3, 30], 2);
        var model = GaussianErrorModel.FromCovariance([0.5, 1], [2, 1, 1, 2]);
        var ckpt = new ModelCheckpoint(ModelCheckpoint.FromParameters([w]), "{\"window\":84,\"hidden\":15}", scaler, model, new Threshold(3.25, "fbeta", 0.8));
        string p = files.PathOf("detector.safetensors");
        ckpt.Save(p);

        ModelCheckpoint back = ModelCheckpoint.Load(p);
        Assert.Equal("{\"window\":84,\"hidden\":15}", back.ConfigJson);
        Assert.Equal(scaler.Shift, back.Scaler!.Shift);
        Assert.Equal(scaler.Multiplier, back.Scaler.Multiplier);
        Assert.Equal(model.Inverse, back.ErrorModel!.Inverse);
        Assert.Equal(model.Mean, back.ErrorModel.Mean);
        Assert.Equal(ckpt.Threshold, back.Threshold);

        using var w2 = new Parameter(cpu, "dec.linear.w", 2, 3);
        ModelCheckpoint.LoadInto(back.Parameters, [w2], p);
        Assert.Equal(w.Value.ToArray(), w2.Value.ToArray());
        using var wrong = new Parameter(cpu, "dec.linear.w", 3, 2);
        Assert.Contains("shape [2, 3]", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.LoadInto(back.Parameters, [wrong], p)).Message);
    }

    [Fact]
    public void ForeignSafetensorsIsNotACheckpoint()
    {
        string p = files.PathOf("other.safetensors");
        SafeTensors.Write(p, [new NamedArray("x", [1], [1f])]);
        Assert.Contains("metadata 'format'", Assert.Throws<SafeTensorsFormatException>(() => ModelCheckpoint.Load(p)).Message);
    }
}
