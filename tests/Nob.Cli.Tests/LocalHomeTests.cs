using System.Diagnostics;
using Nob.Cli.Local;
using Nob.LocalBrokers;

namespace Nob.Cli.Tests;

/// <summary>NOB_HOME's marker: nob writes into or deletes from its own home only, and there only what it made.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalHomeTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nob-localhome-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    string Home => Path.Combine(root, "home");

    [Fact]
    public void Claim_FolderDoesNotExist_CreatesIt0700WithA0600Marker()
    {
        var home = new LocalHome(Path.Combine(Home, "nested"));

        home.Claim();

        Assert.Equal(HomeKind.Marked, home.Kind());
        Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(home.Root));
        Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(Home)); // a missing parent too
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(home.MarkerFile));
        Assert.Contains("\"format\":1", File.ReadAllText(home.MarkerFile), StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_EmptyFolder_WritesTheMarker()
    {
        Directory.CreateDirectory(Home);
        var home = new LocalHome(Home);

        home.Claim();

        Assert.True(File.Exists(home.MarkerFile));
        Assert.Equal(HomeKind.Marked, home.Kind());
    }

    [Fact]
    public void Claim_FolderWithContentAndNoMarker_RefusesAndWritesNothing()
    {
        Directory.CreateDirectory(Home);
        File.WriteAllText(Path.Combine(Home, "thesis.tex"), "mine");
        File.WriteAllText(Path.Combine(Home, "cloud.json"), "{}"); // a name nob uses does not make the folder nob's
        var home = new LocalHome(Home);

        var refused = Assert.Throws<ForeignHomeException>(home.Claim);

        Assert.Contains(Home, refused.Message, StringComparison.Ordinal);
        Assert.Contains("not a nob home", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["cloud.json", "thesis.tex"], Directory.GetFileSystemEntries(Home).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Claim_MarkerOfAnotherFormat_Refuses()
    {
        Directory.CreateDirectory(Home);
        File.WriteAllText(Path.Combine(Home, LocalHome.MarkerFileName), """{"format":99}""");

        Assert.Equal(HomeKind.OtherFormat, new LocalHome(Home).Kind());
        Assert.Throws<ForeignHomeException>(new LocalHome(Home).Claim);
    }

    [Fact]
    public void RemoveOwnEntries_UserFilesBesideAndInsideNobsState_DeletesOnlyNobsEntriesAndListsTheRest()
    {
        var home = new LocalHome(Home);
        home.Claim();
        MakeNobState(home);
        File.WriteAllText(Path.Combine(Home, "sentinel.txt"), "the user's");
        File.WriteAllText(Path.Combine(home.CloudData, "notes.txt"), "the user's too");

        var left = home.RemoveOwnEntries();

        Assert.Equal(["cloud/notes.txt", "sentinel.txt"], left);
        Assert.Equal("the user's", File.ReadAllText(Path.Combine(Home, "sentinel.txt")));
        Assert.Equal("the user's too", File.ReadAllText(Path.Combine(home.CloudData, "notes.txt")));
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(home.CloudData).Select(Path.GetFileName));
        Assert.Equal([".nob-home", "cloud", "sentinel.txt"], Directory.GetFileSystemEntries(Home).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(HomeKind.Marked, home.Kind()); // still nob's home, with the user's files in it
    }

    [Fact]
    public void RemoveOwnEntries_HomeNobCreatedAndNothingElseInIt_RemovesTheFolder()
    {
        var home = new LocalHome(Home);
        home.Claim();
        MakeNobState(home);

        Assert.Empty(home.RemoveOwnEntries());

        Assert.False(Directory.Exists(Home));
    }

    [Fact]
    public void RemoveOwnEntries_EmptyFolderTheUserMade_KeepsTheFolder()
    {
        Directory.CreateDirectory(Home);
        var home = new LocalHome(Home);
        home.Claim();
        MakeNobState(home);

        Assert.Empty(home.RemoveOwnEntries());

        Assert.True(Directory.Exists(Home));
        Assert.Empty(Directory.GetFileSystemEntries(Home));
    }

    [Fact]
    public async Task Down_FolderWithContentAndNoMarker_ExitsTwoNamingItAndDeletesNothing()
    {
        Directory.CreateDirectory(Path.Combine(Home, "cloud", "brokers"));
        File.WriteAllText(Path.Combine(Home, "sentinel.txt"), "the user's");
        File.WriteAllText(Path.Combine(Home, "cloud", "secret.key"), "not nob's either");
        var before = Snapshot();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await new LocalCommands(new LocalHome(Home), stdout, stderr).DownAsync();

        Assert.Equal(NobCommand.Invalid, exit);
        Assert.Contains(Home, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Down_MarkedHomeWithAUserFileAndNothingRunning_RemovesNobsStateKeepsAndReportsTheUserFile()
    {
        var home = new LocalHome(Home);
        home.Claim();
        MakeNobState(home);
        File.WriteAllText(Path.Combine(Home, "sentinel.txt"), "the user's");
        using var stdout = new StringWriter();

        var exit = await new LocalCommands(home, stdout, TextWriter.Null).DownAsync();

        Assert.Equal(NobCommand.Ok, exit);
        Assert.Equal([".nob-home", "sentinel.txt"], Directory.GetFileSystemEntries(Home).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("that nob did not make: sentinel.txt", stdout.ToString(), StringComparison.Ordinal);

        // Once the user's file is gone, the next down removes the home nob created.
        File.Delete(Path.Combine(Home, "sentinel.txt"));
        Assert.Equal(NobCommand.Ok, await new LocalCommands(home, TextWriter.Null, TextWriter.Null).DownAsync());
        Assert.False(Directory.Exists(Home));
    }

    /// <summary>What a stopped endpoint leaves: state files, a broker folder, TLS material, a log, events.</summary>
    static void MakeNobState(LocalHome home)
    {
        Directory.CreateDirectory(Path.Combine(home.CloudData, "brokers", "b-1", "conf"));
        Directory.CreateDirectory(Path.Combine(home.CloudData, "tls"));
        foreach (var file in new[] { "mq.json", "ssm.json", "ec2.json", "secret.key", "mq.json.new", "brokers/b-1/conf/activemq.xml", "tls/truststore.p12" })
            File.WriteAllText(Path.Combine(home.CloudData, file), "x");
        foreach (var file in new[] { home.CloudLog, home.CloudLock, home.EventsFile, home.CloudStateFile, home.CloudStateFile + ".new" })
            File.WriteAllText(file, "x");
    }

    List<string> Snapshot() =>
        [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(root, p)).Order(StringComparer.Ordinal)];
}

/// <summary>Stopping the endpoint signals only the process cloud.json recorded: pid, start time and command line.</summary>
public sealed class CloudDaemonStopTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nob-clouddaemon-").FullName;
    readonly Process sleeper = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;

    public void Dispose()
    {
        try
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        sleeper.Dispose();
        Directory.Delete(root, recursive: true);
    }

    LocalHome Home() => new(root);

    async Task<ProcessIdentity> SleeperAsync() =>
        await ProcessIdentity.OfStartedAsync(sleeper.Id, "sleep", TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("sleep is not running");

    void WriteCloudJson(int pid, long startTime, string commandLine) =>
        Home().WriteCloudState(new CloudState(pid, "http://127.0.0.1:9", "us-east-1", "cert.pem", "trust.p12", "password.txt",
            new Dictionary<string, string>(), startTime, commandLine));

    [Fact]
    public async Task StopAsync_PidNowBelongsToAProcessStartedAtAnotherTime_DoesNotSignalItReportsAndRemovesCloudJson()
    {
        var sleep = await SleeperAsync();
        WriteCloudJson(sleep.Pid, sleep.StartTime - 1, sleep.CommandLine);
        using var progress = new StringWriter();

        var stopped = await new CloudDaemon(Home(), progress).StopAsync();

        Assert.False(stopped);
        await Task.Delay(300); // a signal, had one been sent, would have ended sleep by now
        Assert.False(sleeper.HasExited, "nob signalled a process that is not its endpoint");
        Assert.True(sleep.IsRunning);
        Assert.Contains($"pid {sleep.Pid} is now another process", progress.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Home().CloudStateFile));
    }

    [Fact]
    public async Task StopAsync_PidWithTheRecordedStartTimeButAnotherCommandLine_DoesNotSignalIt()
    {
        var sleep = await SleeperAsync();
        WriteCloudJson(sleep.Pid, sleep.StartTime, "/usr/bin/dotnet /opt/nob/nob.dll cloud");

        var stopped = await new CloudDaemon(Home(), TextWriter.Null).StopAsync();

        Assert.False(stopped);
        await Task.Delay(300);
        Assert.False(sleeper.HasExited, "nob signalled a process that is not its endpoint");
    }

    [Fact]
    public async Task StopAsync_CloudJsonWithoutStartTime_DoesNotSignalThePid()
    {
        var sleep = await SleeperAsync();
        Home().WriteCloudState(new CloudState(sleep.Pid, "http://127.0.0.1:9", "us-east-1", "c", "t", "p", new Dictionary<string, string>()));

        Assert.False(await new CloudDaemon(Home(), TextWriter.Null).StopAsync());

        await Task.Delay(300);
        Assert.False(sleeper.HasExited);
        Assert.False(File.Exists(Home().CloudStateFile));
    }

    [Fact]
    public async Task StopAsync_CloudJsonNamesThatVeryProcess_SignalsIt()
    {
        // The control: with the right identity the same path does signal (sleep ends on SIGTERM).
        var sleep = await SleeperAsync();
        WriteCloudJson(sleep.Pid, sleep.StartTime, sleep.CommandLine);

        var stopped = await new CloudDaemon(Home(), TextWriter.Null).StopAsync();

        Assert.True(stopped);
        Assert.True(sleeper.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.False(File.Exists(Home().CloudStateFile));
    }

    [Fact]
    public async Task RunningAsync_PidNowAnotherProcess_IsNotTheEndpoint()
    {
        var sleep = await SleeperAsync();
        WriteCloudJson(sleep.Pid, sleep.StartTime + 1, sleep.CommandLine);

        Assert.Null(await new CloudDaemon(Home(), TextWriter.Null).RunningAsync());
    }
}
