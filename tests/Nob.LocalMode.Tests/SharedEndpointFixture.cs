using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>
/// One local endpoint shared by the tests of the "shared endpoint" collection, with every example built on it once.
/// The builds start when the fixture is created: the first example alone (its `nob up` starts the endpoint; two `nob up`s
/// racing to start it would each start one), then the others in parallel. Tests await the build they need.
/// </summary>
public sealed class SharedEndpointFixture : LocalHomeFixture
{
    /// <summary>How many `nob up`s run at once after the first (each starts several JVMs; 2 cores).</summary>
    const int ParallelBuilds = 3;

    Dictionary<string, Task<NobRun>> builds = [];

    public IReadOnlyList<ExampleSpec> Examples { get; private set; } = [];

    public ExampleSpec Example(string name) =>
        Examples.SingleOrDefault(e => e.Name == name) ?? throw new InvalidOperationException($"examples/{name}.json does not exist");

    /// <summary>The first `nob up SPEC --json` of the example on this endpoint.</summary>
    public Task<NobRun> BuildAsync(string name) =>
        builds.TryGetValue(name, out var build) ? build : throw new InvalidOperationException($"examples/{name}.json was not built");

    /// <summary>The summary of the example's first build, which must have succeeded (else the test fails with the run).</summary>
    public async Task<JsonObject> BuiltSummaryAsync(string name)
    {
        var run = await BuildAsync(name);
        Assert.True(run.ExitCode == 0, run.ToString());
        return Summary.Parse(run);
    }

    /// <summary>Completes when every build has finished, successfully or not (before changing the endpoint's faults).</summary>
    public Task AllBuildsSettled => Task.WhenAll(builds.Values).ContinueWith(_ => { }, TaskScheduler.Default);

    public override Task InitializeAsync()
    {
        Examples = Nob.LocalMode.Tests.Examples.ForOneEndpoint(Path.Combine(Scratch, "specs"));
        var first = Examples[0];
        var firstBuild = NobAsync("up", first.SpecPath, "--json");
        builds[first.Name] = firstBuild;
        var gate = new SemaphoreSlim(ParallelBuilds);
        foreach (var example in Examples.Skip(1))
            builds[example.Name] = AfterAsync(firstBuild, gate, () => NobAsync("up", example.SpecPath, "--json"));
        return Task.CompletedTask;
    }

    static async Task<NobRun> AfterAsync(Task first, SemaphoreSlim gate, Func<Task<NobRun>> run)
    {
        try
        {
            await first;
        }
        catch (Exception)
        {
            // Its own test reports it; this build still runs (and starts the endpoint if needed).
        }
        await gate.WaitAsync();
        try
        {
            return await run();
        }
        finally
        {
            gate.Release();
        }
    }

    public override async Task DisposeAsync()
    {
        await AllBuildsSettled;
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedEndpointCollection : ICollectionFixture<SharedEndpointFixture>
{
    public const string Name = "shared local endpoint";
}
