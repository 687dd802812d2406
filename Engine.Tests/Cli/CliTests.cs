using RnnEngine.Engine.Tests.Support;
using Xunit;

namespace RnnEngine.Engine.Tests.Cli;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void DevicesListsCpuBackends()
    {
        var (code, output, _) = Run("devices");
        Assert.Equal(0, code);
        Assert.Contains("ilgpu-cpu", output);
        Assert.Contains("SIMD", output);
    }

    [Fact]
    public void MissingCudaExitsTwoListingDevices()
    {
        if (Devices.CudaAvailable) return; // the point is the no-GPU message; on a GPU machine cuda is valid
        var (code, _, err) = Run("gradcheck", "--device", "cuda", "--only", "gemm-nn");
        Assert.Equal(2, code);
        Assert.Contains("cpu", err);
        Assert.Contains("ilgpu-cpu", err);
    }

    [Fact]
    public void UnknownOptionIsRejected()
    {
        var (code, _, err) = Run("devices", "--frobnicate");
        Assert.Equal(2, code);
        Assert.Contains("--frobnicate", err);
    }

    [Fact]
    public void GradCheckJsonHasTheDocumentedKeys()
    {
        var (code, output, _) = Run("gradcheck", "--device", "cpu", "--json", "--only", "gemm-nn");
        Assert.Equal(0, code);
        string line = output.Trim();
        foreach (string key in new[] { "\"name\":\"gemm-nn\"", "\"device\":\"cpu\"", "\"max_abs\"", "\"max_rel\"", "\"pass\":true" })
            Assert.Contains(key, line);
    }

    [Fact]
    public void BenchGemmPrintsJson()
    {
        var (code, output, _) = Run("bench", "gemm", "--m", "8", "--n", "8", "--k", "8", "--device", "cpu", "--repeats", "3");
        Assert.Equal(0, code);
        Assert.StartsWith("{\"op\":\"gemm\",\"m\":8,\"n\":8,\"k\":8,\"device\":\"cpu\"", output.Trim());
        Assert.Contains("\"gflops\":", output);
    }

    [Fact]
    public void BenchGemmCheckComparesWithFloat64()
    {
        // Odd sizes put the sampled corners and edges in the partial tiles of the packed kernel.
        var (code, output, _) = Run("bench", "gemm", "--m", "67", "--n", "33", "--k", "129", "--device", "cpu", "--repeats", "3", "--check");
        Assert.Equal(0, code);
        Assert.Contains("\"check\":\"pass\"", output);
        var match = System.Text.RegularExpressions.Regex.Match(output, "\"max_scaled_err\":([0-9.E+-]+)");
        Assert.True(match.Success, output);
        double err = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(err, 0, 129 * 1.2e-7);
    }
}
