using System.Globalization;
using System.Text;
using RnnEngine.Engine.IO;
using RnnEngine.Models.Checkpoint;
using RnnEngine.Models.Data;
using RnnEngine.Models.Data.Scaling;
using RnnEngine.Models.Metrics;
using RnnEngine.Models.Scoring;
using RnnEngine.Models.Thresholds;
using Xunit;
using Xunit.Abstractions;

namespace RnnEngine.Engine.Tests.Reliability;

/// <summary>
/// 10,000 seeded mutations of valid files per reader, in memory: each is read correctly (the result passes sanity
/// checks) or rejected with the reader's documented exception, whose message is one line starting with the file name.
/// Any other exception fails the test and prints the input that caused it.
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 10_000;

    private static string Show(string s) => s.Length > 300 ? Escape(s[..300]) + "..." : Escape(s);
    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");

    private static void CheckMessage(string name, Exception e, string input)
    {
        Assert.True(e.Message.StartsWith(name, StringComparison.Ordinal), $"message does not name the file: {e.Message} (input {input})");
        Assert.False(e.Message.Contains('\n') || e.Message.Contains('\r'), $"message is not one line: {Escape(e.Message)}");
    }

    private static string ValidCsv(Mutator m)
    {
        var sb = new StringBuilder(m.Next(2) == 0 ? "time,a,b,label\n" : "time,a,\"b\",label\r\n");
        int rows = 2 + m.Next(12);
        for (int r = 0; r < rows; r++)
            sb.Append(CultureInfo.InvariantCulture, $"{r},{(r * 0.37 - 1.5).ToString("R", CultureInfo.InvariantCulture)},\"{r * 2}\",{(r % 5 == 3 ? "anomaly" : "normal.")}\n");
        return sb.ToString();
    }

    [Fact]
    public void CsvReaderReadsOrRejectsEveryMutation()
    {
        var mutator = new Mutator(9001);
        int accepted = 0, rejected = 0;
        MissingPolicy[] policies = [MissingPolicy.Error, MissingPolicy.Drop, MissingPolicy.ForwardFill, MissingPolicy.Zero];
        for (int i = 0; i < Inputs; i++)
        {
            string text = mutator.MutateText(ValidCsv(mutator));
            var options = new CsvReadOptions
            {
                Missing = policies[mutator.Next(4)],
                Columns = mutator.Next(3) == 0 ? ["b", "a"] : null,
                LabelColumn = mutator.Next(2) == 0 ? "label" : null,
            };
            if (options.Columns is null && options.LabelColumn is null && mutator.Next(2) == 0)
                options = options with { HasHeader = false, ColumnIndices = [1, 2] };
            try
            {
                CsvReadResult r = CsvSeriesReader.ReadText(text, "fuzz.csv", options);
                Series s = r.Series;
                Assert.True(s.Length > 0 && s.Values.Length == s.Length * s.Features);
                Assert.All(s.Values, v => Assert.True(float.IsFinite(v)));
                if (s.Labels is not null) Assert.Equal(s.Length, s.Labels.Length);
                Assert.True(r.Missing.Cells >= r.Missing.Rows && (options.Missing != MissingPolicy.Error || r.Missing.Cells == 0));
                accepted++;
            }
            catch (DataFormatException e)
            {
                CheckMessage("fuzz.csv", e, Show(text));
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput: {Show(text)}");
            }
        }
        output.WriteLine($"csv: accepted {accepted}, rejected {rejected}");
        // Both outcomes must occur, or the generator is not testing what it claims.
        Assert.True(accepted > 100 && rejected > 1000, $"accepted {accepted}, rejected {rejected}");
    }

    private static string ValidLabels(Mutator m)
    {
        int rows = 2 + m.Next(12);
        var sb = new StringBuilder();
        switch (m.Next(3))
        {
            case 0:
                sb.Append("index,label\n");
                for (int r = 0; r < rows; r++) sb.Append(CultureInfo.InvariantCulture, $"{r},{(r % 4 == 1 ? "anomaly" : "normal")}\n");
                break;
            case 1:
                sb.Append("label\n");
                for (int r = 0; r < rows; r++) sb.Append(r % 3 == 0 ? "1\n" : "0\n");
                break;
            default:
                for (int r = 0; r < rows; r++) sb.Append(r % 3 == 0 ? "anomaly.\n" : "normal.\n");
                break;
        }
        return sb.ToString();
    }

    [Fact]
    public void LabelFileReaderReadsOrRejectsEveryMutation()
    {
        var mutator = new Mutator(9002);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < Inputs; i++)
        {
            string text = mutator.MutateText(ValidLabels(mutator));
            try
            {
                IReadOnlyDictionary<long, bool> labels = ScoreFiles.ReadLabelsText(text, "fuzz-labels.csv");
                Assert.NotEmpty(labels);
                Assert.All(labels.Keys, k => Assert.True(k >= 0));
                accepted++;
            }
            catch (DataFormatException e)
            {
                CheckMessage("fuzz-labels.csv", e, Show(text));
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput: {Show(text)}");
            }
        }
        output.WriteLine($"labels: accepted {accepted}, rejected {rejected}");
        Assert.True(accepted > 100 && rejected > 1000, $"accepted {accepted}, rejected {rejected}");
    }

    private static string ValidScores(Mutator m)
    {
        int rows = 2 + m.Next(12);
        var sb = new StringBuilder("index,score,is_anomaly\n");
        for (int r = 0; r < rows; r++)
            sb.Append(r < 2 ? $"{r},,\n" : string.Create(CultureInfo.InvariantCulture, $"{r},{r * 0.75:R},{(r % 4 == 1 ? 1 : 0)}\n"));
        return sb.ToString();
    }

    [Fact]
    public void ScoreFileReaderReadsOrRejectsEveryMutation()
    {
        var mutator = new Mutator(9003);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < Inputs; i++)
        {
            string text = mutator.MutateText(ValidScores(mutator));
            try
            {
                IReadOnlyList<ScoredRow> rows = ScoreFiles.ReadScoresText(text, "fuzz-scores.csv");
                Assert.NotEmpty(rows);
                Assert.All(rows, r => Assert.True(r.Score is null || double.IsFinite(r.Score.Value)));
                accepted++;
            }
            catch (DataFormatException e)
            {
                CheckMessage("fuzz-scores.csv", e, Show(text));
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput: {Show(text)}");
            }
        }
        output.WriteLine($"scores: accepted {accepted}, rejected {rejected}");
        Assert.True(accepted > 100 && rejected > 1000, $"accepted {accepted}, rejected {rejected}");
    }

    internal static ModelCheckpoint SmallCheckpoint()
    {
        var scaler = new MinMaxScaler();
        scaler.Fit([1, 10, 3, 30], 2);
        return new ModelCheckpoint(
            [new NamedArray("enc.w", [2, 3], [0.5f, -1, 2, 3.25f, -0.125f, 7]), new NamedArray("enc.b", [3], [0.1f, 0.2f, -0.3f]), new NamedArray("s", [], [4])],
            "{\"window\":4,\"hidden\":3}", scaler, GaussianErrorModel.FromCovariance([0.5, 1], [2, 1, 1, 2]), new Threshold(3.25, "fbeta", 0.8));
    }

    /// <summary>The metadata a checkpoint's Save writes, for re-encoding with mutated values and a valid checksum.</summary>
    private static Dictionary<string, string> Metadata(byte[] file)
    {
        var meta = SafeTensors.Parse("ok", file).Metadata.ToDictionary();
        meta.Remove(SafeTensors.ChecksumKey);
        return meta;
    }

    [Fact]
    public void CheckpointReaderReadsOrRejectsEveryMutation()
    {
        ModelCheckpoint ckpt = SmallCheckpoint();
        string tmp = Path.Combine(Path.GetTempPath(), "rnnengine-fuzz-" + Guid.NewGuid().ToString("N") + ".safetensors");
        ckpt.Save(tmp);
        byte[] good = File.ReadAllBytes(tmp);
        File.Delete(tmp);
        Dictionary<string, string> meta = Metadata(good);
        string[] keys = [.. meta.Keys];
        Assert.NotNull(ModelCheckpoint.Parse("ok", good).ErrorModel);

        var mutator = new Mutator(9004);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < Inputs; i++)
        {
            byte[] file;
            if (mutator.Next(4) == 0)
            {
                // Valid checksum over bad content: mutated metadata strings or non-finite parameters.
                var m = new Dictionary<string, string>(meta);
                string key = keys[mutator.Next(keys.Length)];
                m[key] = mutator.MutateText(m[key]);
                var tensors = ckpt.Parameters.Select(p => p with { Data = (float[])p.Data.Clone() }).ToArray();
                if (mutator.Next(3) == 0) tensors[0].Data[mutator.Next(6)] = mutator.Next(2) == 0 ? float.NaN : float.NegativeInfinity;
                file = SafeTensors.Encode(tensors, m);
            }
            else file = mutator.MutateBytes(good);
            try
            {
                ModelCheckpoint back = ModelCheckpoint.Parse("fuzz.safetensors", file);
                Assert.All(back.Parameters, p => Assert.All(p.Data, v => Assert.True(float.IsFinite(v))));
                accepted++;
            }
            catch (SafeTensorsFormatException e)
            {
                CheckMessage("fuzz.safetensors", e, Convert.ToHexString(file.AsSpan(0, Math.Min(file.Length, 160))));
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"input {i} threw {e.GetType().Name}: {e.Message}\ninput (hex, first 400 bytes): {Convert.ToHexString(file.AsSpan(0, Math.Min(file.Length, 400)))}");
            }
        }
        output.WriteLine($"checkpoint: accepted {accepted}, rejected {rejected}");
        Assert.True(accepted > 10 && rejected > 5000, $"accepted {accepted}, rejected {rejected}");
    }
}
