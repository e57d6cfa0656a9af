using Nob.Aws.Mq;

namespace Nob.LocalMode.Tests;

/// <summary>
/// Real brokers whose creation fails: nob deletes a broker it created that ended CREATION_FAILED and creates it again
/// (no duplicate of its name), and a first build that failed can be torn down with <c>nob down SPEC</c>. An endpoint of its
/// own: its faults (CREATION_FAILED for some brokers) touch no other test's builds.
/// </summary>
public sealed class CreationFailureTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    /// <summary>Faults are set on a running endpoint: a first build of two other brokers starts it (and keeps it running).</summary>
    async Task StartEndpointAsync()
    {
        if (File.Exists(fixture.CloudStateFile)) return;
        var spec = fixture.WriteSpec("bystander", Specs.TwoBrokers("bystander-e2e", "Bystander1", "Bystander2"));
        var up = await fixture.NobAsync("up", spec, "--json");
        Assert.True(up.ExitCode == 0, up.ToString());
    }

    async Task<List<(string Name, string State)>> BrokersAsync(params string[] names)
    {
        using var mq = fixture.MqClient();
        return [.. (await mq.ListAllBrokersAsync(100)).Where(b => names.Contains(b.BrokerName)).Select(b => (b.BrokerName!, b.BrokerState!)).Order()];
    }

    /// <summary>
    /// On the running endpoint, writes the network <c>{key}-e2e</c> (lower case) of brokers <c>{Key}1</c> and <c>{Key}2</c>
    /// and runs <c>nob up</c> of it while the creation of <c>{Key}1</c> ends CREATION_FAILED <paramref name="failures"/> times.
    /// </summary>
    async Task<(string Spec, NobRun Up)> UpWhileFirstBrokerFailsCreationAsync(string key, int failures)
    {
        await StartEndpointAsync();
        var name = key.ToLowerInvariant();
        var spec = fixture.WriteSpec(name, Specs.TwoBrokers($"{name}-e2e", $"{key}1", $"{key}2"));
        var up = await fixture.NobUnderFaultsAsync(output, new { failCreationOf = new[] { $"{key}1" }, failCreationCount = failures }, "up", spec, "--json");
        return (spec, up);
    }

    [Fact]
    public async Task Up_BrokerFailsItsFirstCreation_IsCreatedAgainAndTheNetworkConvergesWithoutDuplicates()
    {
        var (spec, run) = await UpWhileFirstBrokerFailsCreationAsync("Recreate", failures: 1);

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = Summary.Parse(run);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        // One broker of each name, both running: the failed one was deleted before it was created again.
        Assert.Equal([("Recreate1", "RUNNING"), ("Recreate2", "RUNNING")], await BrokersAsync("Recreate1", "Recreate2"));
        // EnsureBroker created it, RecreateBroker deleted it when CREATION_FAILED and created it again; EnsureBroker
        // alone for the other.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Stderr, @"EnsureBroker \[Recreate1[^\]]*\]"));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(run.Stderr, @"RecreateBroker \[Recreate1[^\]]*\]").Count);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(run.Stderr, @"EnsureBroker \[Recreate2[^\]]*\]"));

        // A re-run changes nothing.
        var again = await fixture.NobAsync("up", spec, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Empty(Summary.Parse(again)["changes"]!.AsArray());
        Assert.Equal([("Recreate1", "RUNNING"), ("Recreate2", "RUNNING")], await BrokersAsync("Recreate1", "Recreate2"));
    }

    [Fact]
    public async Task Down_AfterAFirstBuildThatFailed_RemovesTheBrokersItCreated()
    {
        var (spec, up) = await UpWhileFirstBrokerFailsCreationAsync("Orphan", failures: 100);
        Assert.True(up.ExitCode == 1, up.ToString());
        Assert.Contains("BrokerCreationFailedException", up.Stderr, StringComparison.Ordinal);
        Assert.Contains("created it again 2 time(s)", up.Stderr, StringComparison.Ordinal);
        var left = await BrokersAsync("Orphan1", "Orphan2");
        Assert.Contains(("Orphan1", "CREATION_FAILED"), left);
        Assert.Single(left, b => b.Name == "Orphan1"); // the failed ones before it were deleted, not left beside it

        var down = await fixture.NobAsync(output, "down", spec);

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("stored record was not there", down.Stdout, StringComparison.Ordinal);
        Assert.Contains("Orphan1: deleted", down.Stdout, StringComparison.Ordinal);
        Assert.Contains("Orphan2: deleted", down.Stdout, StringComparison.Ordinal);
        if (File.Exists(fixture.CloudStateFile)) Assert.Empty(await BrokersAsync("Orphan1", "Orphan2"));
    }
}
