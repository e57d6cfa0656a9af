using System.Diagnostics;

namespace Nob.Functions.Tests;

/// <summary>Runs the real tools the packaging and template tests use (dotnet, python3) as processes.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => StandardOutput + StandardError;
    }

    /// <summary>Runs a program to its end (bounded by <paramref name="timeout"/>) with no standard input.</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host's own MSBuild settings must not leak into a dotnet the test starts.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
            foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var stderr = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }
    }

    public static Task<Result> PythonAsync(IEnumerable<string> arguments, TimeSpan timeout) =>
        RunAsync("python3", arguments, Repo.Root, timeout);

    /// <summary>The Python modules the template tests run; the command that installs them where they are missing.</summary>
    public const string PythonModulesInstall = "python3 -m pip install cfn-lint aws-sam-translator";

    static readonly Lazy<Task<string?>> PythonModulesProblem = new(FindPythonModulesProblemAsync);

    /// <summary>
    /// Null when python3 imports cfnlint and samtranslator; otherwise installs them with pip when pip can reach an
    /// index, and if that fails says so with the exact command to run.
    /// </summary>
    public static Task<string?> EnsurePythonModulesAsync() => PythonModulesProblem.Value;

    static async Task<string?> FindPythonModulesProblemAsync()
    {
        var check = new[] { "-c", "import cfnlint.runner, samtranslator.translator.translator, tomllib" };
        Result imported;
        try
        {
            imported = await PythonAsync(check, TimeSpan.FromMinutes(1));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"python3 is not installed; install it (sudo apt-get install -y python3 python3-pip), then run: {PythonModulesInstall}";
        }
        if (imported.ExitCode == 0) return null;
        string pipSays;
        try
        {
            var pip = await PythonAsync(["-m", "pip", "install", "--disable-pip-version-check", "--retries", "1", "--timeout", "20", "cfn-lint", "aws-sam-translator"], TimeSpan.FromMinutes(5));
            if (pip.ExitCode == 0 && (await PythonAsync(check, TimeSpan.FromMinutes(1))).ExitCode == 0) return null;
            pipSays = pip.Output.Trim();
        }
        catch (TimeoutException e)
        {
            pipSays = e.Message;
        }
        return $"python3 cannot import cfn-lint and aws-sam-translator ({imported.StandardError.Trim()}), and pip could not install them ({pipSays}). Run: {PythonModulesInstall}";
    }
}
