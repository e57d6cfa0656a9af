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
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        var text = Read(name);
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text);
        }
        if (executable && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }
}
