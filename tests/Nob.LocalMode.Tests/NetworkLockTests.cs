namespace Nob.LocalMode.Tests;

/// <summary>
/// One run per network, locally by the same state machines and handlers as on AWS: while `nob up` builds a network, a
/// second `nob up` or a `nob down` of it fails fast with NetworkBusyException naming the running execution; a `nob up`
/// killed with SIGKILL leaves its execution running on the endpoint, which gives the lock back at its end, and the next
/// build converges; a `nob up` while a `nob down` runs is refused.
/// </summary>
public sealed partial class NetworkLockTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    static readonly TimeSpan Build = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task SecondRunOfANetwork_RefusedNamingTheRunningExecution_AndAKilledUpDoesNotBlockTheNext()
    {
        var spec = fixture.WriteSpec("locked", Specs.TwoBrokers("locked", "Locked1", "Locked2"));

        // 1. A build holds the network's lock once it has gone past AcquireLock.
        using (var first = RunningNob.Start(fixture.Home, fixture.Password, "up", spec))
        {
            await first.WaitForOutputAsync("CheckConverged", Build);

            // 2. A second build and a teardown of the same network, while the first runs (its execution runs in the
            // endpoint; slow reboots hold it there, so it cannot end first): refused, changing nothing.
            await fixture.SetFaultsAsync(new { rebootDelay = "00:00:40" });
            try
            {
                var second = await fixture.NobAsync(output, "up", spec);
                Assert.True(second.ExitCode == 1, second.ToString());
                Assert.Contains("NetworkBusyException", second.Stderr, StringComparison.Ordinal);
                Assert.Matches($@":execution:[A-Za-z]+:locked-\d{{14}}-{first.Pid}\b", second.Stderr); // the first's execution
                var down = await fixture.NobAsync(output, "down", spec);
                Assert.True(down.ExitCode == 1, down.ToString());
                Assert.Contains("NetworkBusyException", down.Stderr, StringComparison.Ordinal);
                Assert.Contains($"-{first.Pid}", down.Stderr, StringComparison.Ordinal);
            }
            finally
            {
                await fixture.ResetFaultsAsync();
            }

            // 3. The first build was not disturbed.
            var done = await first.WaitAsync(Build);
            output.WriteLine(done.ToString());
            Assert.True(done.ExitCode == 0, done.ToString());
        }

        // 4. A `nob up` killed with SIGKILL mid-EnsureBrokers: its execution runs on in the endpoint, as an execution
        // started from a terminal that closes does on AWS ...
        var killedSpec = fixture.WriteSpec("killed", Specs.TwoBrokers("killed", "Killed1", "Killed2"));
        string killedExecution;
        using (var killed = RunningNob.Start(fixture.Home, fixture.Password, "up", killedSpec))
        {
            await killed.WaitForOutputAsync("EnsureBroker", Build);
            await killed.KillAsync();
            killedExecution = ExecutionArn().Match(killed.Stdout).Groups[1].Value;
        }
        Assert.Equal("SUCCEEDED", await EndOfAsync(killedExecution, Build));

        // 5. ... and gives the lock back at its end: the next build converges on both brokers, creating nothing twice.
        var again = await fixture.NobAsync(output, "up", killedSpec, "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        var summary = Summary.Parse(again);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.Equal(["Killed1", "Killed2"], Summary.Brokers(summary).Select(b => (string)b["brokerName"]!).Order(StringComparer.Ordinal));
        Assert.All(Summary.Brokers(summary), b => Assert.False((bool?)b["created"]));
        using var mq = fixture.MqClient();
        var brokers = (await global::Nob.Aws.Mq.AmazonMqClientExtensions.ListAllBrokersAsync(mq)).Select(b => b.BrokerName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["Killed1", "Killed2", "Locked1", "Locked2"], brokers); // nothing created twice

        // 6. A build while a teardown of the network runs is refused too; the teardown goes on to its end. A slow reboot of
        // one of its brokers holds the teardown (it deletes a broker once it is RUNNING), so the refused build cannot
        // arrive after the teardown has ended, however slow this machine is.
        await fixture.SetFaultsAsync(new { rebootDelay = "00:00:20" });
        try
        {
            using var rebooting = fixture.MqClient();
            var locked1 = (await global::Nob.Aws.Mq.AmazonMqClientExtensions.ListAllBrokersAsync(rebooting)).Single(b => b.BrokerName == "Locked1");
            await rebooting.RebootBrokerAsync(new global::Nob.Aws.Mq.Model.RebootBrokerRequest { BrokerId = locked1.BrokerId! });
        }
        finally
        {
            await fixture.ResetFaultsAsync(); // the reboot under way keeps its delay
        }
        using (var down = RunningNob.Start(fixture.Home, fixture.Password, "down", spec))
        {
            await down.WaitForOutputAsync("RevokeIngress", Build);
            {
                var up = await fixture.NobAsync(output, "up", spec);
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

    /// <summary>How the execution ended, waiting (bounded) while it runs on the endpoint.</summary>
    async Task<string> EndOfAsync(string executionArn, TimeSpan timeout)
    {
        using var sfn = fixture.StepFunctionsClient();
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = (await sfn.DescribeExecutionAsync(new global::Nob.Aws.StepFunctions.Model.DescribeExecutionRequest { ExecutionArn = executionArn })).Status!;
            if (status != "RUNNING" || DateTime.UtcNow > until) return status;
            await Task.Delay(500);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Execution (arn:\S+)")]
    private static partial System.Text.RegularExpressions.Regex ExecutionArn();
}
