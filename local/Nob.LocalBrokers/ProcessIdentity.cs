using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Nob.LocalBrokers;

/// <summary>
/// Which process a pid named when it was recorded: the pid, its start time (clock ticks after boot, field 22 of
/// /proc/PID/stat) and its command line. A pid alone is not an identity: after a crash the kernel may give it to any
/// other process, so nob checks all three before it signals a process it recorded earlier.
/// </summary>
public sealed record ProcessIdentity(int Pid, long StartTime, string CommandLine)
{
    /// <summary>The identity of the process that has <paramref name="pid"/> now, or null when there is none (or it is a zombie).</summary>
    public static ProcessIdentity? Of(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline")).TrimEnd('\0').Replace('\0', ' ');
            return ParseStartTime(stat) is { } start && commandLine.Length > 0 ? new ProcessIdentity(pid, start, commandLine) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone, or not ours to read
        }
    }

    /// <summary>
    /// The identity of a process just started, once its exec has finished: right after Process.Start the kernel may still
    /// show the parent's command line, or an empty one, for a moment. Polls every 20 ms until the command line starts with
    /// <paramref name="program"/>; null when <paramref name="timeout"/> passes first or the process is gone.
    /// </summary>
    public static async Task<ProcessIdentity?> OfStartedAsync(int pid, string program, TimeSpan timeout, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        clock ??= TimeProvider.System;
        var started = clock.GetTimestamp();
        while (true)
        {
            if (Of(pid) is { } identity && identity.CommandLine.StartsWith(program, StringComparison.Ordinal))
            {
                return identity;
            }

            if (clock.GetElapsedTime(started) >= timeout)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), clock).ConfigureAwait(false);
        }
    }

    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Whether the process recorded as this identity still runs: same pid, same start time, same command line.</summary>
    public bool IsRunning => Of(Pid) == this;

    /// <summary>Sends <paramref name="signal"/> if, right now, the pid is still this process; false (nothing sent) otherwise.</summary>
    public bool TrySignal(int signal) => IsRunning && Kill(Pid, signal) == 0;

    /// <summary>Polls (every 100 ms) until this process is gone or <paramref name="timeout"/> passes; true when it is gone.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        clock ??= TimeProvider.System;
        var started = clock.GetTimestamp();
        while (IsRunning)
        {
            if (clock.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Field 22 (starttime) of a /proc/PID/stat line. Field 2 is the command name in parentheses and may itself hold spaces
    /// and parentheses, so fields are counted from the last ')'.
    /// </summary>
    public static long? ParseStartTime(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field 22 is fields[19].
        return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
