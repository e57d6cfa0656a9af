using System.Diagnostics;
using System.Runtime.Versioning;

namespace Nob.LocalBrokers.Tests;

/// <summary>Private, durable writes of local state, and the process identity that guards every signal.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nob-privatefiles-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Write_NewFile_CompleteContent0600AndNoStagingFileLeft()
    {
        var path = Path.Combine(_root, "state.json");

        PrivateFiles.WriteAllText(path, "{\"brokers\":[1,2,3]}");

        Assert.Equal("{\"brokers\":[1,2,3]}", File.ReadAllText(path));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path));
        Assert.Equal(["state.json"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_ReplacingAWorldReadableFileAndAStaleStagingFile_Result0600WithOnlyTheNewContent()
    {
        var path = Path.Combine(_root, "activemq.xml");
        File.WriteAllText(path, "old, and much longer than what replaces it");
        File.SetUnixFileMode(path, PrivateFiles.FileMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.WriteAllText(path + PrivateFiles.StagingSuffix, "left by a crashed write");
        File.SetUnixFileMode(path + PrivateFiles.StagingSuffix, PrivateFiles.FileMode | UnixFileMode.OtherRead);

        PrivateFiles.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + PrivateFiles.StagingSuffix));
    }

    [Fact]
    public void Write_WriterThrows_OldContentStays()
    {
        var path = Path.Combine(_root, "mq.json");
        PrivateFiles.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => PrivateFiles.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new InvalidOperationException("the serializer failed");
        }));

        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void CreateFolder_MissingParents_EveryCreatedFolder0700()
    {
        var nested = Path.Combine(_root, "a", "b", "c");

        PrivateFiles.CreateFolder(nested);

        foreach (var folder in new[] { "a", "a/b", "a/b/c" })
        {
            Assert.Equal(PrivateFiles.FolderMode, File.GetUnixFileMode(Path.Combine(_root, folder)));
        }
    }

    [Fact]
    public void OpenAppend_MissingFile_Created0600()
    {
        var path = Path.Combine(_root, "broker.log");

        using (var log = PrivateFiles.OpenAppend(path))
        {
            log.Write("line\n"u8);
        }

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void ParseStartTime_CommandNameWithSpacesAndParentheses_ReadsField22()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime …
        const string stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 1234567 300 18446744073709551615";

        Assert.Equal(987654, ProcessIdentity.ParseStartTime(stat));
    }

    [Fact]
    public async Task Identity_OfARealProcess_RunningUntilItExitsThenNot()
    {
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        try
        {
            var identity = await ProcessIdentity.OfStartedAsync(sleep.Id, "sleep", TimeSpan.FromSeconds(10));

            Assert.NotNull(identity);
            Assert.Equal("sleep 300", identity.CommandLine);
            Assert.True(identity.IsRunning);
            Assert.False((identity with { StartTime = identity.StartTime + 1 }).IsRunning);
            Assert.False((identity with { StartTime = identity.StartTime + 1 }).TrySignal(ProcessIdentity.SigTerm));
            Assert.False(sleep.WaitForExit(TimeSpan.FromMilliseconds(300)));

            Assert.True(identity.TrySignal(ProcessIdentity.SigTerm));
            await sleep.WaitForExitAsync();
            Assert.False(identity.IsRunning);
        }
        finally
        {
            if (!sleep.HasExited)
            {
                sleep.Kill();
            }
        }
    }
}
