using Xunit;

namespace RnnEngine.Engine.Tests.Pool;

public class WorkerPoolTests
{
    [Fact]
    public void ParallelForRunsEveryIndexOnce()
    {
        using var backend = new CpuBackend(2);
        foreach (int count in new[] { 0, 1, 2, 3, 17, 1000 })
            for (int round = 0; round < 50; round++)
            {
                var hits = new int[count];
                backend.ParallelFor(count, i => Interlocked.Increment(ref hits[i]));
                Assert.All(hits, h => Assert.Equal(1, h));
            }
    }

    [Fact]
    public void NestedAndFailingBodies()
    {
        using var backend = new CpuBackend(2);
        var hits = new int[8 * 8];
        backend.ParallelFor(8, i => backend.ParallelFor(8, j => Interlocked.Increment(ref hits[i * 8 + j])));
        Assert.All(hits, h => Assert.Equal(1, h));
        var e = Assert.Throws<AggregateException>(() => backend.ParallelFor(4, i => { if (i == 3) throw new InvalidOperationException("part 3"); }));
        Assert.Contains("part 3", e.InnerException!.Message);
        // The pool still works after a failure and after workers went to sleep.
        Thread.Sleep(20);
        int sum = 0;
        backend.ParallelFor(100, i => Interlocked.Add(ref sum, i));
        Assert.Equal(4950, sum);
    }
}
