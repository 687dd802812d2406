using System.Text.Json;
using RnnEngine.Engine.Layers;
using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Layers;

/// <summary>
/// GRU and Bahdanau attention against PyTorch (Fixtures/make_gru_attention_fixtures.py: float64 on float32 inputs):
/// outputs, final states / attention weights and every gradient, max abs diff below 1e-5.
/// </summary>
public class TorchFixtureTests
{
    public static IEnumerable<object[]> Rows(string[] fixtures)
    {
        foreach (string fixture in fixtures)
        foreach (string device in new[] { "cpu", "ilgpu-cpu" })
            yield return [fixture, device];
    }

    public static IEnumerable<object[]> GruRows() => Rows(["gru_1layer", "gru_2layer"]);
    public static IEnumerable<object[]> AttentionRows() => Rows(["attention", "attention_masked"]);

    private sealed class Fixture(JsonDocument doc)
    {
        public JsonElement Config => doc.RootElement.GetProperty("config");
        public int Int(string name) => Config.GetProperty(name).GetInt32();
        public string[] Parameters => doc.RootElement.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()!).ToArray();
        public double[] Get(string name) =>
            doc.RootElement.GetProperty("tensors").GetProperty(name).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        public float[] GetF(string name) => Data.ToFloat(Get(name));

        public static Fixture Load(string name) =>
            new(JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json"))));
    }

    [Theory, MemberData(nameof(GruRows))]
    public void GruMatchesPyTorch(string fixture, string device)
    {
        var backend = TestBackends.Get(device);
        var fx = Fixture.Load(fixture);
        int t = fx.Int("T"), b = fx.Int("B"), f = fx.Int("F"), h = fx.Int("H"), layers = fx.Int("layers");
        using var s = new TensorScope(backend);
        using var gru = new Gru(backend, f, h, layers);
        Assert.Equal(fx.Parameters, gru.Parameters.Select(p => p.Name).ToArray());
        foreach (var p in gru.Parameters) p.Value.CopyFrom(fx.GetF(p.Name));

        var y = s.Zeros(t, b, h);
        var hN = s.Zeros(layers, b, h);
        gru.Forward(s.Of(fx.GetF("x"), t, b, f), s.Of(fx.GetF("h0"), layers, b, h), y, hN, training: true);
        var dx = s.Zeros(t, b, f);
        var dh0 = s.Zeros(layers, b, h);
        gru.Backward(s.Of(fx.GetF("dy"), t, b, h), s.Of(fx.GetF("dhN"), layers, b, h), dx, dh0);

        string at = $"{fixture} on {device}";
        Data.Close(fx.Get("y"), y.ToArray(), Tolerances.TorchFixture, $"y ({at})");
        Data.Close(fx.Get("hN"), hN.ToArray(), Tolerances.TorchFixture, $"hN ({at})");
        Data.Close(fx.Get("grad_x"), dx.ToArray(), Tolerances.TorchFixture, $"dx ({at})");
        Data.Close(fx.Get("grad_h0"), dh0.ToArray(), Tolerances.TorchFixture, $"dh0 ({at})");
        foreach (var p in gru.Parameters)
            Data.Close(fx.Get("grad_" + p.Name), p.Grad.ToArray(), Tolerances.TorchFixture, $"d{p.Name} ({at})");
    }

    [Theory, MemberData(nameof(AttentionRows))]
    public void AttentionMatchesPyTorch(string fixture, string device)
    {
        var backend = TestBackends.Get(device);
        var fx = Fixture.Load(fixture);
        int t = fx.Int("T"), b = fx.Int("B"), h = fx.Int("H"), q = fx.Int("Q"), a = fx.Int("A"), steps = fx.Int("S");
        using var sc = new TensorScope(backend);
        using var attn = new BahdanauAttention(backend, h, q, a);
        Assert.Equal(fx.Parameters, attn.Parameters.Select(p => p.Name).ToArray());
        foreach (var p in attn.Parameters) p.Value.CopyFrom(fx.GetF(p.Name));

        var queries = sc.Of(fx.GetF("queries"), steps, b, q);
        attn.SetEncoder(sc.Of(fx.GetF("encoder"), t, b, h), sc.Of(fx.GetF("mask"), t, b), steps);
        var contexts = sc.Zeros(steps, b, h);
        var weights = sc.Zeros(steps, t, b);
        for (int i = 0; i < steps; i++) attn.Forward(i, queries.At(i), contexts.At(i), weights.At(i));
        var dContexts = sc.Of(fx.GetF("dcontexts"), steps, b, h);
        var dQueries = sc.Zeros(steps, b, q);
        for (int i = steps - 1; i >= 0; i--) attn.Backward(i, dContexts.At(i), dQueries.At(i));
        var dEnc = sc.Zeros(t, b, h);
        attn.BackwardEncoder(dEnc);

        string at = $"{fixture} on {device}";
        Data.Close(fx.Get("contexts"), contexts.ToArray(), Tolerances.TorchFixture, $"contexts ({at})");
        Data.Close(fx.Get("weights"), weights.ToArray(), Tolerances.TorchFixture, $"weights ({at})");
        Data.Close(fx.Get("grad_encoder"), dEnc.ToArray(), Tolerances.TorchFixture, $"dEncoder ({at})");
        Data.Close(fx.Get("grad_queries"), dQueries.ToArray(), Tolerances.TorchFixture, $"dQueries ({at})");
        foreach (var p in attn.Parameters)
            Data.Close(fx.Get("grad_" + p.Name), p.Grad.ToArray(), Tolerances.TorchFixture, $"d{p.Name} ({at})");
    }
}
