using System.Runtime.Versioning;
using Nob.LocalBrokers;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.Tests;

/// <summary>The endpoint's state files and secret key on disk: complete, private, and replaced without a staging file left behind.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class StorageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nob-storage-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public sealed class Sample
    {
        public List<string> Names { get; set; } = [];
    }

    [Fact]
    public void Save_ThenLoad_SameStateFile0600NoStagingFile()
    {
        var file = new JsonStateFile<Sample>(Path.Combine(_root, "mq.json"));
        file.Save(new Sample { Names = ["first"] });

        file.Save(new Sample { Names = ["a", "b", "c"] });

        Assert.Equal(["a", "b", "c"], file.Load().Names);
        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(file.Path));
        Assert.Equal(["mq.json"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void OpenOrCreate_NewKey_0600AndTheSameKeyOnReopen()
    {
        var path = Path.Combine(_root, "secret.key");
        var ciphertext = SecretBox.OpenOrCreate(path).Encrypt("a secret");

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(path));
        Assert.Equal(32, new FileInfo(path).Length);
        Assert.Equal("a secret", SecretBox.OpenOrCreate(path).Decrypt(ciphertext));
        Assert.Equal(["secret.key"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }
}
