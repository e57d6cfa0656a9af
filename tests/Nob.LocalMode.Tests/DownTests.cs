namespace Nob.LocalMode.Tests;

/// <summary>A NOB_HOME of its own (the shared one is taken down only when its collection ends).</summary>
public sealed class DownFixture : LocalHomeFixture;

[CollectionDefinition(Name)]
public sealed class DownCollection : ICollectionFixture<DownFixture>
{
    public const string Name = "nob down";
}

[Collection(DownCollection.Name)]
public sealed class DownTests(DownFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Down_AfterUpWithActiveStandbyBroker_LeavesNoProcessAndRemovesNobHome()
    {
        // The example as it is (its own endpoint, so MyBroker1/MyBroker2 clash with nothing): an active/standby broker is
        // two JVMs sharing one store, the case most likely to leave one behind.
        var up = await fixture.NobAsync("up", Path.Combine(Repository.Examples, "active-standby.json"), "--json");
        Assert.True(up.ExitCode == 0, up.ToString());
        var running = LeftoverProcesses.Referencing(fixture.Home);
        output.WriteLine($"after up ({up.Elapsed.TotalSeconds:0.0} s): {running.Count} process(es) reference NOB_HOME:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", running)}");
        Assert.Equal(3, running.Count(p => p.IsJava && p.CommandLine.Contains("activemq", StringComparison.Ordinal))); // MyBroker1 + both instances of MyBroker2
        Assert.Single(running, p => p.IsNobCloud);

        var down = await fixture.NobAsync("down");

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("Stopped the local endpoint and its brokers", down.Stdout, StringComparison.Ordinal);
        var left = LeftoverProcesses.Referencing(fixture.Home);
        Assert.True(left.Count == 0, $"right after nob down, {left.Count} process(es) still reference {fixture.Home}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", left)}");
        Assert.False(Directory.Exists(fixture.Home), $"nob down left {fixture.Home}");

        // Down again: nothing to stop, still exit 0.
        var again = await fixture.NobAsync("down");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Nothing was running", again.Stdout, StringComparison.Ordinal);
    }
}
