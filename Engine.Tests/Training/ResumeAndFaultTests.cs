using System.Globalization;
using System.Text;
using RnnEngine.Engine.IO;
using RnnEngine.Engine.Tests.Models;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Models.Detection;
using RnnEngine.Models.Training;
using Xunit;

namespace RnnEngine.Engine.Tests.Training;

/// <summary>--resume continues bit for bit; a non-finite loss stops training naming the step and a parameter.</summary>
public sealed class ResumeAndFaultTests : IDisposable
{
    private readonly TempFiles files = new();

    public void Dispose() => files.Dispose();

    private static (int Code, string Out, string Err) Cli(params string[] args) => CliRunner.Run(args);

    private string Csv(int rows)
    {
        var sb = new StringBuilder("a,b\n");
        for (int i = 0; i < rows; i++) sb.Append(CultureInfo.InvariantCulture, $"{Math.Sin(i / 5.0):F5},{Math.Cos(i / 3.0):F5}\n");
        return files.Write("train.csv", sb.ToString());
    }

    [Theory]
    [InlineData("lstm-ae")]
    [InlineData("encdec-ad")]
    public void ResumedTrainingEqualsAnUninterruptedRunBitForBit(string kind)
    {
        string data = Csv(400);
        string[] common = ["train", "--data", data, "--model", kind, "--window", "8", "--hidden", "5", "--device", "cpu", "--seed", "3", "--quiet", "--batch", "16"];
        string whole = files.PathOf("whole.model"), parts = files.PathOf("parts.model");
        var a = Cli([.. common, "--epochs", "4", "--out", whole]);
        Assert.True(a.Code == 0, a.Err);
        var b1 = Cli([.. common, "--epochs", "2", "--out", parts]);
        Assert.True(b1.Code == 0, b1.Err);
        Assert.True(File.Exists(TrainCommandState(parts)));
        var b2 = Cli([.. common, "--epochs", "4", "--out", parts, "--resume"]);
        Assert.True(b2.Code == 0, b2.Err);

        var x = SafeTensors.Read(whole);
        var y = SafeTensors.Read(parts);
        Assert.Equal(x.Tensors.Keys.Order(), y.Tensors.Keys.Order());
        foreach (var (name, t) in x.Tensors)
            Assert.True(t.Data.AsSpan().SequenceEqual(y.Tensors[name].Data), $"tensor {name} differs after resume");
        Assert.Equal(x.Metadata["threshold"], y.Metadata["threshold"]);
        // and a 2-epoch run differs from the 4-epoch one: the comparison can fail
        var two = SafeTensors.Read(Retrain(common));
        Assert.Contains(x.Tensors, kv => !kv.Value.Data.AsSpan().SequenceEqual(two.Tensors[kv.Key].Data));
    }

    private string Retrain(string[] common)
    {
        string p = files.PathOf("two.model");
        Assert.Equal(0, Cli([.. common, "--epochs", "2", "--out", p]).Code);
        return p;
    }

    private static string TrainCommandState(string model) => RnnEngine.Cli.Commands.TrainCommand.StatePath(model);

    [Fact]
    public void ResumeWithOtherSettingsOrDataIsRefused()
    {
        string data = Csv(300), model = files.PathOf("fp.model");
        string[] common = ["train", "--window", "8", "--device", "cpu", "--quiet", "--out", model];
        Assert.Equal(0, Cli([.. common, "--data", data, "--hidden", "4", "--epochs", "1"]).Code);
        var hidden = Cli([.. common, "--data", data, "--hidden", "6", "--epochs", "2", "--resume"]);
        Assert.Equal(2, hidden.Code);
        Assert.Contains("other data or settings", hidden.Err);
        string other = files.Write("other.csv", File.ReadAllText(data).Replace("0.", "0.1"));
        var changed = Cli([.. common, "--data", other, "--hidden", "4", "--epochs", "2", "--resume"]);
        Assert.Equal(2, changed.Code);
        Assert.Contains("other data or settings", changed.Err);
        // the same data and settings with a higher epoch cap go on
        Assert.Equal(0, Cli([.. common, "--data", data, "--hidden", "4", "--epochs", "2", "--resume"]).Code);
    }

    [Fact]
    public void ResumeWithoutStateIsAUsageError()
    {
        var r = Cli("train", "--data", Csv(200), "--window", "8", "--hidden", "4", "--epochs", "1", "--device", "cpu", "--out", files.PathOf("none.model"), "--resume", "--quiet");
        Assert.Equal(2, r.Code);
        Assert.Contains("resume", r.Err);
    }

    [Fact]
    public void NonFiniteLossStopsNamingTheStepAndAParameterWithTheWeightsOfTheLastGoodStep()
    {
        var backend = TestBackends.Get("cpu");
        var config = new DetectorConfig { Model = "lstm-ae", Window = 4, Features = 1, Hidden = 3 };
        using var model = config.Build(backend);
        int n = 16;
        var windows = new float[n * 4];
        for (int i = 0; i < windows.Length; i++) windows[i] = MathF.Sin(i * 0.3f);
        var set = TrainingSet.Reconstruction(windows, 4, 1);
        // epoch 1 trains on finite windows; then one window turns to NaN, so epoch 2 meets it in some batch
        var states = new List<TrainingState>();
        var options = new TrainOptions { Epochs = 3, BatchSize = 4, Seed = 1 };
        void Poison(TrainingState s)
        {
            states.Add(s);
            windows[5 * 4 + 2] = float.NaN;
        }
        var e = Assert.Throws<NumericFaultException>(() => Trainer.Fit(model, set, null, options, null, null, Poison));
        Assert.Equal(2, e.Epoch);
        Assert.InRange(e.Batch, 1, 4);
        Assert.Contains($"epoch 2, batch {e.Batch}", e.Message);
        Assert.Contains("loss is NaN", e.Message);
        Assert.Contains("lstm.", e.Message);   // the first parameter with a non-finite gradient
        Assert.Single(states);
        foreach (var p in model.Parameters) Assert.All(p.Value.ToArray(), v => Assert.True(float.IsFinite(v)));
    }
}
