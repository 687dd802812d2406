using Xunit;

namespace RnnEngine.Engine.Tests.Support;

/// <summary>
/// Tests that read process-wide memory figures (retained heap, working set) run in this collection: xunit runs it alone,
/// after the parallel ones, so other tests' allocations do not show up in those figures.
/// </summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
