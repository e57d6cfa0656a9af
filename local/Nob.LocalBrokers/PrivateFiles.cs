using System.Runtime.InteropServices;

namespace Nob.LocalBrokers;

/// <summary>
/// Local state holds passwords (broker configurations, the stores' password file), keys (the brokers' keystore, the
/// secret key) and messages, so every file nob makes is its owner's only (0600, 0700 for a script) and every folder
/// 0700, set when it is created. State files are replaced durably: written to a new file, flushed to disk, renamed into
/// place, and the folder synced, so a crash (or SIGKILL, or power loss) leaves either the old or the new content.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The suffix of the file a replacement is written to before it is renamed into place.</summary>
    public const string StagingSuffix = ".new";

    /// <summary>Creates <paramref name="path"/> and its missing parents as 0700; a folder that exists keeps its mode.</summary>
    public static string CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only, and its parents the umask's.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }

        return path;
    }

    /// <summary>Opens <paramref name="path"/> for appending, creating it as 0600 if it is missing (logs).</summary>
    public static FileStream OpenAppend(string path) => new(path, Options(System.IO.FileMode.Append, FileMode));

    /// <summary>Creates <paramref name="path"/> empty as 0600 unless it exists (a file another process appends to, such as a log).</summary>
    public static void EnsureFile(string path)
    {
        using var _ = new FileStream(path, Options(System.IO.FileMode.OpenOrCreate, FileMode));
    }

    /// <summary>Replaces <paramref name="path"/> durably with <paramref name="text"/> (UTF-8, no BOM), as 0600.</summary>
    public static void WriteAllText(string path, string text, UnixFileMode mode = FileMode) =>
        Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)), mode);

    /// <summary>
    /// Replaces <paramref name="path"/> durably: <paramref name="write"/> fills a new file (created as <paramref name="mode"/>,
    /// so no secret is ever readable by others), which is flushed to disk, renamed over <paramref name="path"/>, and the
    /// folder synced so the rename itself survives a crash.
    /// </summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode mode = FileMode)
    {
        ArgumentNullException.ThrowIfNull(write);
        var staging = path + StagingSuffix;
        // A leftover of a crashed write may have another mode; a file is only given its mode when it is created.
        File.Delete(staging);
        using (var stream = new FileStream(staging, Options(System.IO.FileMode.CreateNew, mode)))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(staging, path, overwrite: true);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// fsync on the folder, so a rename into it is on disk. .NET cannot open a folder as a stream, hence open(2)/fsync(2)
    /// directly. Best effort: some file systems refuse fsync on a folder (EINVAL), and then there is nothing more to do.
    /// </summary>
    public static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals the rename; there is no folder handle to flush.
        }

        var fd = Open(folder, ReadOnly | CloseOnExec);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static FileStreamOptions Options(System.IO.FileMode fileMode, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = fileMode, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        return options;
    }

    // O_RDONLY and O_CLOEXEC have these values on every Linux architecture .NET runs on (O_DIRECTORY does not; a folder opens without it).
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
