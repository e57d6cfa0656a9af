using System.Text;

namespace Nob.LocalMode.Tests;

/// <summary>A process found in /proc.</summary>
public sealed record FoundProcess(int Pid, string CommandLine)
{
    /// <summary>A JVM: the program itself is java (not a shell wrapper whose arguments mention it).</summary>
    public bool IsJava => Path.GetFileName(CommandLine.Split(' ')[0]) == "java";

    public bool IsNobCloud => CommandLine.Contains("nob.dll cloud", StringComparison.Ordinal);

    public override string ToString() => $"pid {Pid}: {(CommandLine.Length > 300 ? CommandLine[..300] + "…" : CommandLine)}";
}

/// <summary>
/// Processes that belong to one NOB_HOME: their command line mentions it (broker JVMs and their wrappers run from
/// NOB_HOME/cloud/brokers/…) or their environment has NOB_HOME set to it (`nob cloud`, whose command line is only
/// "dotnet …/nob.dll cloud", and everything it starts).
/// </summary>
public static class LeftoverProcesses
{
    public static IReadOnlyList<FoundProcess> Referencing(string nobHome)
    {
        var found = new List<FoundProcess>();
        var homeVariable = Encoding.UTF8.GetBytes($"NOB_HOME={nobHome}");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))).Replace('\0', ' ').Trim();
                if (commandLine.Length == 0) continue; // kernel thread or zombie
                var mentions = commandLine.Contains(nobHome, StringComparison.Ordinal)
                    || HasVariable(File.ReadAllBytes(Path.Combine(dir, "environ")), homeVariable);
                if (mentions) found.Add(new FoundProcess(pid, commandLine));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }

    /// <summary>Polls until no process references <paramref name="nobHome"/>, or the time is up; returns what is left.</summary>
    public static async Task<IReadOnlyList<FoundProcess>> WaitUntilNoneAsync(string nobHome, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var left = Referencing(nobHome);
            if (left.Count == 0 || DateTime.UtcNow >= deadline) return left;
            await Task.Delay(250);
        }
    }

    /// <summary>Ends processes these tests caused and a failed `nob down` left (each by its pid), so a failure does not leak JVMs.</summary>
    public static void Kill(IEnumerable<FoundProcess> processes)
    {
        foreach (var p in processes)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(p.Pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }

    static bool HasVariable(byte[] environ, byte[] entry)
    {
        // environ is NUL-separated NAME=VALUE entries; match a whole entry.
        var start = 0;
        for (var i = 0; i <= environ.Length; i++)
        {
            if (i < environ.Length && environ[i] != 0) continue;
            if (i - start == entry.Length && environ.AsSpan(start, entry.Length).SequenceEqual(entry)) return true;
            start = i + 1;
        }
        return false;
    }
}
