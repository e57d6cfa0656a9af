namespace Nob.LocalMode.Tests;

/// <summary>`nob down` on a NOB_HOME of its own (the shared one is taken down only when its collection ends).</summary>
public sealed class DownTests(LocalHomeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalHomeFixture>
{
    [Fact]
    public async Task Down_AfterUpWithActiveStandbyBrokerAndAUserFileInNobHome_LeavesNoProcessAndOnlyTheUserFile()
    {
        // The example as it is (its own endpoint, so MyBroker1/MyBroker2 clash with nothing): an active/standby broker is
        // two JVMs sharing one store, the case most likely to leave one behind.
        var up = await fixture.NobAsync("up", Path.Combine(Repository.PathOf("examples"), "active-standby.json"), "--json");
        Assert.True(up.ExitCode == 0, up.ToString());
        var running = LeftoverProcesses.Referencing(fixture.Home);
        output.WriteLine($"after up ({up.Elapsed.TotalSeconds:0.0} s): {running.Count} process(es) reference NOB_HOME:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", running)}");
        Assert.Equal(3, running.Count(p => p.IsJava && p.CommandLine.Contains("activemq", StringComparison.Ordinal))); // MyBroker1 + both instances of MyBroker2
        Assert.Single(running, p => p.IsNobCloud);

        // A file of the user's beside nob's state: nob down removes what nob made and nothing else.
        var sentinel = Path.Combine(fixture.Home, "sentinel.txt");
        await File.WriteAllTextAsync(sentinel, "the user's");

        var down = await fixture.NobAsync("down");

        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Contains("Stopped the local endpoint and its brokers", down.Stdout, StringComparison.Ordinal);
        var left = LeftoverProcesses.Referencing(fixture.Home);
        Assert.True(left.Count == 0, $"right after nob down, {left.Count} process(es) still reference {fixture.Home}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", left)}");
        Assert.Equal("the user's", await File.ReadAllTextAsync(sentinel));
        Assert.Equal([".nob-home", "sentinel.txt"], Directory.GetFileSystemEntries(fixture.Home).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("that nob did not make: sentinel.txt", down.Stdout, StringComparison.Ordinal);

        // Once the user's file is gone, the next down removes the home nob created.
        File.Delete(sentinel);
        var emptied = await fixture.NobAsync("down");
        Assert.True(emptied.ExitCode == 0, emptied.ToString());
        Assert.False(Directory.Exists(fixture.Home), $"nob down left {fixture.Home}");

        // Down again: nothing to stop, still exit 0.
        var again = await fixture.NobAsync("down");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Nothing was running", again.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>A NOB_HOME that is not nob's (a folder with content and no marker): the real nob refuses it. No JVM is involved.</summary>
public sealed class ForeignHomeTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nob-localmode-foreign-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("down")]
    [InlineData("up")]
    [InlineData("cloud")]
    public async Task Command_UnmarkedFolderWithContent_ExitsTwoNamingTheFolderAndChangesNothing(string command)
    {
        // What NOB_HOME=$HOME would point at: the user's files, even some with names nob uses.
        var home = Path.Combine(root, "someones-home");
        Directory.CreateDirectory(Path.Combine(home, "cloud"));
        await File.WriteAllTextAsync(Path.Combine(home, "sentinel.txt"), "the user's");
        await File.WriteAllTextAsync(Path.Combine(home, "cloud", "mq.json"), "the user's too");
        var spec = Specs.Write(Path.Combine(root, "specs"), "foreign", Specs.TwoBrokers("foreign", "Foreign1", "Foreign2"));
        var before = Snapshot(home);
        string[] arguments = command switch { "up" => ["up", spec], "cloud" => ["cloud"], _ => ["down"] };

        var run = await NobProcess.RunAsync(home, "LocalModeForeignHome1", TimeSpan.FromMinutes(1), arguments);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{home} is not a nob home", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(home));
        Assert.Empty(LeftoverProcesses.Referencing(home));
    }

    static List<string> Snapshot(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => $"{Path.GetRelativePath(folder, p)} {(File.Exists(p) ? File.ReadAllText(p) : "/")}").Order(StringComparer.Ordinal)];
}
