namespace Nob.LocalMode.Tests;

/// <summary>A NOB_HOME of its own: runs of one network at once, and a run killed with SIGKILL.</summary>
public sealed class NetworkLockFixture : LocalHomeFixture;

[CollectionDefinition(Name)]
public sealed class NetworkLockCollection : ICollectionFixture<NetworkLockFixture>
{
    public const string Name = "network lock";
}

/// <summary>
/// One run per network, locally by the same state machines and handlers as on AWS: while `nob up` builds a network, a
/// second `nob up` or a `nob down` of it fails fast with NetworkBusyException naming the running execution; a `nob up`
/// killed with SIGKILL does not block the next one, which converges; a `nob up` while a `nob down` runs is refused.
/// </summary>
[Collection(NetworkLockCollection.Name)]
public sealed class NetworkLockTests(NetworkLockFixture fixture, ITestOutputHelper output)
{
    static readonly TimeSpan Build = TimeSpan.FromMinutes(4);

    async Task<NobRun> Nob(params string[] arguments)
    {
        var run = await fixture.NobAsync(arguments);
        output.WriteLine(run.ToString());
        return run;
    }

    [Fact]
    public async Task SecondRunOfANetwork_RefusedNamingTheRunningExecution_AndAKilledUpDoesNotBlockTheNext()
    {
        var spec = Specs.Write(Path.Combine(fixture.Scratch, "specs"), "locked", Specs.TwoBrokers("locked", "Locked1", "Locked2"));

        // 1. A build holds the network's lock once it has gone past AcquireLock.
        using (var first = RunningNob.Start(fixture.Home, fixture.Password, "up", spec))
        {
            await first.WaitForOutputAsync("CheckConverged", Build);

            // 2. A second build and a teardown of the same network, while the first runs (held still, so it cannot end
            // first): refused, changing nothing.
            using (first.Pause())
            {
                var second = await Nob("up", spec);
                Assert.True(second.ExitCode == 1, second.ToString());
                Assert.Contains("NetworkBusyException", second.Stderr, StringComparison.Ordinal);
                Assert.Matches($@":execution:[A-Za-z]+:locked-\d{{14}}-{first.Pid}\b", second.Stderr); // the first's execution
                var down = await Nob("down", spec);
                Assert.True(down.ExitCode == 1, down.ToString());
                Assert.Contains("NetworkBusyException", down.Stderr, StringComparison.Ordinal);
                Assert.Contains($"-{first.Pid}", down.Stderr, StringComparison.Ordinal);
            }

            // 3. The first build was not disturbed.
            var done = await first.WaitAsync(Build);
            output.WriteLine(done.ToString());
            Assert.True(done.ExitCode == 0, done.ToString());
        }

        // 4. A build killed with SIGKILL while it holds the lock (mid-EnsureBrokers) never gives it back ...
        var killedSpec = Specs.Write(Path.Combine(fixture.Scratch, "specs"), "killed", Specs.TwoBrokers("killed", "Killed1", "Killed2"));
        using (var killed = RunningNob.Start(fixture.Home, fixture.Password, "up", killedSpec))
        {
            await killed.WaitForOutputAsync("EnsureBroker", Build);
            await killed.KillAsync();
        }

        // 5. ... yet the next build is not blocked (its holder no longer runs) and converges on both brokers.
        var again = await Nob("up", killedSpec, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        var summary = Summary.Parse(again);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.Equal(["Killed1", "Killed2"], Summary.Brokers(summary).Select(b => (string)b["brokerName"]!).Order(StringComparer.Ordinal));
        using var mq = fixture.MqClient();
        var brokers = (await global::Nob.Aws.Mq.AmazonMqClientExtensions.ListAllBrokersAsync(mq)).Select(b => b.BrokerName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Killed1", "Killed2", "Locked1", "Locked2"], brokers); // nothing created twice

        // 6. A build while a teardown of the network runs is refused too; the teardown goes on to its end.
        using (var down = RunningNob.Start(fixture.Home, fixture.Password, "down", spec))
        {
            await down.WaitForOutputAsync("RevokeIngress", Build);
            using (down.Pause()) // a local teardown of two brokers takes seconds: held still, it cannot end first
            {
                var up = await Nob("up", spec);
                Assert.True(up.ExitCode == 1, up.ToString());
                Assert.Contains("NetworkBusyException", up.Stderr, StringComparison.Ordinal);
                Assert.Matches($@":execution:[A-Za-z]+:locked-down-\d{{14}}-{down.Pid}\b", up.Stderr);
            }
            var tornDown = await down.WaitAsync(Build);
            output.WriteLine(tornDown.ToString());
            Assert.True(tornDown.ExitCode == 0, tornDown.ToString());
        }
        using var after = fixture.MqClient();
        Assert.Equal(["Killed1", "Killed2"], (await global::Nob.Aws.Mq.AmazonMqClientExtensions.ListAllBrokersAsync(after)).Select(b => b.BrokerName).Order(StringComparer.Ordinal));
    }
}
