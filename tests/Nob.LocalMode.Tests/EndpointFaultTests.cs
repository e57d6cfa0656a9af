using System.Text.Json.Nodes;
using Nob.Aws.Mq;

namespace Nob.LocalMode.Tests;

/// <summary>
/// Builds against the shared endpoint with faults injected through its admin API, and a spec that must not reach it.
/// Each waits for the example builds first: faults apply to every request the endpoint serves.
/// </summary>
[Collection(SharedEndpointCollection.Name)]
public sealed class EndpointFaultTests(SharedEndpointFixture fixture, ITestOutputHelper output)
{
    /// <summary>
    /// Amazon MQ throttling and 500s: the first two Amazon MQ requests of each kind for certain, then a seeded share of
    /// all of them. The functions' Amazon MQ client and the state machine's Retry are meant to ride these out.
    /// </summary>
    [Fact]
    public Task Up_WithAmazonMqThrottlingAndServerErrors_StillBuildsAndVerifies() =>
        BuildUnderFaultsAsync("flaky", "FlakyMq1", "FlakyMq2", ["mq"]);

    /// <summary>
    /// The same faults on EC2 and SSM too: their clients retry throttling and 500s as Amazon MQ's does (Composition).
    /// </summary>
    [Fact]
    public Task Up_WithThrottlingAndServerErrorsOnEveryService_StillBuildsAndVerifies() =>
        BuildUnderFaultsAsync("flakyall", "FlakyAll1", "FlakyAll2", []);

    async Task BuildUnderFaultsAsync(string network, string first, string second, string[] services)
    {
        await fixture.AllBuildsSettled;
        Assert.True(File.Exists(fixture.CloudStateFile), "the shared endpoint is not running (the example builds failed to start it)");
        var spec = fixture.WriteSpec(network,
            Specs.TwoBrokers($"{network}-e2e", first, second, $$"""{ "type": "source-sink", "sources": ["{{first}}"], "sinks": ["{{second}}"] }"""));
        await fixture.SetFaultsAsync(new { throttleShare = 0.2, serverErrorShare = 0.1, throttleNext = 2, serverErrorNext = 2, services, seed = 20251125 });
        NobRun run;
        JsonObject counters;
        try
        {
            run = await fixture.NobAsync("up", spec, "--json");
            counters = await fixture.GetFaultsAsync();
        }
        finally
        {
            await fixture.ResetFaultsAsync();
        }
        output.WriteLine($"nob up under faults ({(services.Length == 0 ? "every service" : string.Join(", ", services))}): exit {run.ExitCode} in {run.Elapsed.TotalSeconds:0.0} s; " +
                         $"throttled {(int?)counters["throttled"]}, server errors {(int?)counters["serverErrors"]}");
        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = Summary.Parse(run);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.Equal([first, second], Summary.Brokers(summary).Select(b => (string)b["brokerName"]!).Order(StringComparer.Ordinal));
        Assert.All(Summary.Brokers(summary), b => Assert.Equal("RUNNING", (string?)b["brokerState"]));
        // The faults really happened (else this test proves nothing), and the reset cleared them.
        Assert.True((int?)counters["throttled"] >= 2, $"fewer requests were throttled than asked for: {counters}");
        Assert.True((int?)counters["serverErrors"] >= 2, $"fewer requests got a 500 than asked for: {counters}");
        var reset = (await fixture.GetFaultsAsync())["settings"]!;
        Assert.Equal(0.0, (double?)reset["throttleShare"]);
        Assert.Equal(0.0, (double?)reset["serverErrorShare"]);
        Assert.Equal(0, (int?)reset["throttleNext"]);
        Assert.Equal(0, (int?)reset["serverErrorNext"]);
    }

    [Fact]
    public async Task Up_BrokerInFailCreationOf_ExitsOneNamingBrokerAndError()
    {
        await fixture.AllBuildsSettled;
        Assert.True(File.Exists(fixture.CloudStateFile), "the shared endpoint is not running (the example builds failed to start it)");
        var spec = fixture.WriteSpec("doomed", Specs.TwoBrokers("doomed-e2e", "Doomed1", "Doomed2"));
        var run = await fixture.NobUnderFaultsAsync(output, new { failCreationOf = new[] { "Doomed1" } }, "up", spec, "--json");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("BrokerCreationFailedException", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Doomed1", run.Stderr, StringComparison.Ordinal);
        // The progress line of the failed state names the broker (a TaskFailed event carries no input of its own).
        Assert.Matches(@"CheckBrokers \[[^\]]*Doomed1[^\]]*\] failed: BrokerCreationFailedException", run.Stderr);
        Assert.Equal("", run.Stdout.Trim()); // no summary: the build did not succeed
    }

    [Fact]
    public async Task Up_InvalidSpecWhileEndpointRuns_ExitsTwoPrintsErrorsAndCreatesNothing()
    {
        await fixture.AllBuildsSettled;
        Assert.True(File.Exists(fixture.CloudStateFile), "the shared endpoint is not running (the example builds failed to start it)");
        var cloudBefore = await File.ReadAllTextAsync(fixture.CloudStateFile);
        using var mq = fixture.MqClient();
        var before = Describe(await mq.ListAllBrokersAsync(100));

        var spec = fixture.WriteSpec("invalid", Specs.Invalid);
        var run = await fixture.NobAsync("up", spec, "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("3 problem(s); nothing was created", run.Stderr, StringComparison.Ordinal);
        foreach (var path in Specs.InvalidErrorPaths) Assert.Contains(path, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Specs.PasswordInSpec, run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout.Trim());
        var after = Describe(await mq.ListAllBrokersAsync(100));
        Assert.Equal(before, after);
        Assert.DoesNotContain(after, b => b.StartsWith("Invalid", StringComparison.Ordinal));
        Assert.Equal(cloudBefore, await File.ReadAllTextAsync(fixture.CloudStateFile));
    }

    static List<string> Describe(IEnumerable<Nob.Aws.Mq.Model.BrokerSummary> brokers) =>
        brokers.Select(b => $"{b.BrokerName} {b.BrokerId} {b.BrokerState}").Order(StringComparer.Ordinal).ToList();
}
