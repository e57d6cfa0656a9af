using System.Diagnostics;
using System.Text;

namespace Nob.LocalMode.Tests;

/// <summary>
/// A nob command left running (set up as <see cref="NobProcess.RunAsync"/> does), so a test can act while it runs: wait
/// for a line of its output, kill it, or wait for its end.
/// </summary>
public sealed class RunningNob : IDisposable
{
    readonly Process process;
    readonly StringBuilder stdout = new();
    readonly StringBuilder stderr = new();
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly string[] arguments;
    readonly Task reading;

    RunningNob(Process process, string[] arguments)
    {
        this.process = process;
        this.arguments = arguments;
        reading = Task.WhenAll(PumpAsync(process.StandardOutput, stdout), PumpAsync(process.StandardError, stderr));
    }

    public int Pid => process.Id;

    public string Stdout
    {
        get { lock (stdout) return stdout.ToString(); }
    }

    public static RunningNob Start(string nobHome, string password, params string[] arguments)
    {
        var info = NobProcess.StartInfo(nobHome, password, arguments);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nob");
        process.StandardInput.Close();
        return new RunningNob(process, arguments);
    }

    static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
            lock (into) into.Append(buffer, 0, read);
    }

    /// <summary>Waits until stdout has a line containing <paramref name="text"/>; fails when nob ends first or the time is up.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var until = clock.Elapsed + timeout;
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited) throw new InvalidOperationException($"nob {string.Join(' ', arguments)} ended (exit {process.ExitCode}) before printing \"{text}\":{Environment.NewLine}{Stdout}{stderr}");
            if (clock.Elapsed > until) throw new TimeoutException($"nob {string.Join(' ', arguments)} did not print \"{text}\" within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Stdout}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: nob has no chance to clean up (the endpoint it started runs in its own session and lives on).</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>SIGINT, as Ctrl-C in a terminal sends it.</summary>
    public void Interrupt()
    {
        const int sigInt = 2;
        var identity = Nob.LocalBrokers.ProcessIdentity.Of(process.Id) ?? throw new InvalidOperationException("nob is not running");
        if (!identity.TrySignal(sigInt)) throw new InvalidOperationException("could not interrupt nob");
    }

    /// <summary>
    /// SIGSTOP until the result is disposed (then SIGCONT): nob stays alive, holding whatever it holds, but makes no
    /// progress, so a test can act "while it runs" without racing its end.
    /// </summary>
    public IDisposable Pause()
    {
        const int sigStop = 19, sigCont = 18; // Linux x86-64 and arm64
        var identity = Nob.LocalBrokers.ProcessIdentity.Of(process.Id) ?? throw new InvalidOperationException("nob is not running");
        if (!identity.TrySignal(sigStop)) throw new InvalidOperationException("could not stop nob");
        return new Resume(() => identity.TrySignal(sigCont));
    }

    sealed class Resume(Func<bool> resume) : IDisposable
    {
        public void Dispose() => resume();
    }

    public async Task<NobRun> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"nob {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s:{Environment.NewLine}{Stdout}");
        }
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(30)));
        string err;
        lock (stderr) err = stderr.ToString();
        return new NobRun(arguments, process.ExitCode, Stdout, err, clock.Elapsed);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            try { process.Kill(); } catch (InvalidOperationException) { }
        }
        process.Dispose();
    }
}
