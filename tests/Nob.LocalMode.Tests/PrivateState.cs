namespace Nob.LocalMode.Tests;

/// <summary>Whether everything under a NOB_HOME is its owner's only: files 0600, folders 0700.</summary>
public static class PrivateState
{
    /// <summary>Files that may have another mode, each with why.</summary>
    static readonly Dictionary<string, (UnixFileMode Mode, string Reason)> Allowed = new(StringComparer.Ordinal)
    {
        // The broker wrapper is executed by /bin/sh, but nob makes it executable for whoever runs it directly; it holds no secret.
        ["run-broker.sh"] = (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, "the broker wrapper script"),
    };

    const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode Folder0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Every entry under <paramref name="nobHome"/> (and itself) whose mode is not the private one, as "mode path".</summary>
    public static IReadOnlyList<string> Exposed(string nobHome)
    {
        var exposed = new List<string>();
        foreach (var path in Directory.EnumerateFileSystemEntries(nobHome, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false }).Prepend(nobHome))
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.LinkTarget is not null) continue; // a link's own mode means nothing
            var mode = info.UnixFileMode;
            var expected = info is DirectoryInfo ? Folder0700 : Allowed.TryGetValue(info.Name, out var allowed) ? allowed.Mode : File0600;
            if (mode != expected) exposed.Add($"{Convert.ToString((int)mode, 8)} {Path.GetRelativePath(nobHome, path)}");
        }
        return exposed;
    }

    /// <summary>How many files and folders <see cref="Exposed"/> looked at (so an empty result is not an empty walk).</summary>
    public static int Count(string nobHome) => Directory.EnumerateFileSystemEntries(nobHome, "*", SearchOption.AllDirectories).Count();
}
