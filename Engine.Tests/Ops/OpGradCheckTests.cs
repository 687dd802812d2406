using RnnEngine.Engine.Tests.Support;
using RnnEngine.Engine.Verification;
using Xunit;

namespace RnnEngine.Engine.Tests.Ops;

/// <summary>Runs the catalog's finite-difference checks of the pointwise, reduction and loss ops on every backend.</summary>
public class OpGradCheckTests
{
    public static readonly string[] Names =
    [
        "add", "mul", "bias-add", "column-sum", "sigmoid", "tanh", "relu", "leaky-relu",
        "reduce-sum", "reduce-mean", "reduce-max", "softmax", "mse", "mae", "dropout",
    ];

    [Fact]
    public void CatalogListsEveryOpCheck()
    {
        var names = GradCheckCatalog.Engine().Select(c => c.Name).ToHashSet();
        foreach (string n in Names) Assert.Contains(n, names);
    }

    [Theory, LocalBackends, CudaBackend]
    public void GradChecksPass(string device)
    {
        foreach (var check in GradCheckCatalog.Engine().Where(c => Names.Contains(c.Name)))
        {
            var r = check.Run(TestBackends.Get(device));
            Assert.True(r.Pass, $"{r.Name} on {device}: {r.Detail}");
        }
    }
}
