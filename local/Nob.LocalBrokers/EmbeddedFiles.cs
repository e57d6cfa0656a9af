namespace Nob.LocalBrokers;

/// <summary>Writes the files embedded under Resources/ (wrapper script, logging configurations) to disk.</summary>
internal static class EmbeddedFiles
{
    public static string Read(string name)
    {
        using var stream = typeof(EmbeddedFiles).Assembly.GetManifestResourceStream($"Nob.LocalBrokers.{name}")
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from Nob.LocalBrokers");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string WriteTo(string directory, string name, bool executable = false)
    {
        PrivateFiles.CreateFolder(directory);
        var path = Path.Combine(directory, name);
        var text = Read(name);
        var mode = executable ? PrivateFiles.ExecutableMode : PrivateFiles.FileMode;
        if (!File.Exists(path) || File.ReadAllText(path) != text || (!OperatingSystem.IsWindows() && File.GetUnixFileMode(path) != mode))
        {
            PrivateFiles.WriteAllText(path, text, mode);
        }
        return path;
    }
}
