using System.Diagnostics;

namespace Nob.LocalMode.Tests;

/// <summary>What one run of the nob program did.</summary>
public sealed record NobRun(string[] Arguments, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>For assertion messages: the command, its exit code and both streams.</summary>
    public override string ToString() =>
        $"nob {string.Join(' ', Arguments)} exited {ExitCode} after {Elapsed.TotalSeconds:0.0} s{Environment.NewLine}" +
        $"--- stdout ---{Environment.NewLine}{Stdout}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Stderr}";
}

/// <summary>
/// Runs the real nob program (<c>dotnet nob.dll …</c>, built beside these tests from cli/Nob.Cli) as a subprocess, with
/// <c>NOB_HOME</c>, <c>NOB_REPO</c> and <c>NOB_PASSWORD</c> set, bounded by a timeout.
/// </summary>
public static class NobProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    public static string NobDll { get; } = Path.Combine(AppContext.BaseDirectory, "nob.dll");

    /// <summary>How a test starts nob: this repository's build, the given NOB_HOME and password, no AWS settings of the test host.</summary>
    public static ProcessStartInfo StartInfo(string nobHome, string password, IEnumerable<string> arguments)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h : "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        info.ArgumentList.Add(NobDll);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["NOB_HOME"] = nobHome;
        info.Environment["NOB_REPO"] = Repository.Root;
        info.Environment["NOB_PASSWORD"] = password;
        // nob sets the endpoint itself from NOB_HOME/cloud.json; nothing may leak in from the test host's environment.
        foreach (var variable in new[] { "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_MQ", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_SSM", "AWS_PROFILE" })
            info.Environment.Remove(variable);
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    public static async Task<NobRun> RunAsync(string nobHome, string password, TimeSpan? timeout, params string[] arguments)
    {
        if (!File.Exists(NobDll)) throw new InvalidOperationException($"{NobDll} is missing: the test project must reference cli/Nob.Cli");
        var info = StartInfo(nobHome, password, arguments);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start nob");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            // Only this nob process: a `nob cloud` it started runs in its own session and is stopped by `nob down`.
            try { process.Kill(); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            var partialOut = await WithinAsync(stdout, TimeSpan.FromSeconds(5));
            var partialErr = await WithinAsync(stderr, TimeSpan.FromSeconds(5));
            throw new TimeoutException(
                $"nob {string.Join(' ', arguments)} did not finish within {limit.TotalSeconds:0} s{Environment.NewLine}" +
                $"--- stdout ---{Environment.NewLine}{partialOut}{Environment.NewLine}--- stderr ---{Environment.NewLine}{partialErr}");
        }
        // The background `nob cloud` must not keep our pipes open; if it did, this would be where we noticed.
        var output = await WithinAsync(stdout, TimeSpan.FromSeconds(30), "stdout");
        var errors = await WithinAsync(stderr, TimeSpan.FromSeconds(30), "stderr");
        return new NobRun(arguments, process.ExitCode, output, errors, clock.Elapsed);
    }

    static async Task<string> WithinAsync(Task<string> read, TimeSpan limit, string? name = null)
    {
        if (await Task.WhenAny(read, Task.Delay(limit)) == read) return await read;
        if (name is not null) throw new TimeoutException($"nob exited but its {name} stayed open for {limit.TotalSeconds:0} s (a child process holds it)");
        return "(not closed)";
    }
}
