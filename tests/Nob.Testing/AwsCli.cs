using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Nob.Testing;

/// <summary>What a child process printed and how it ended.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// The real AWS CLI as the tests run it: against one endpoint with one key pair and region, isolated from the test
/// host's AWS settings (no profile, config or credentials file, no instance metadata, no pager), JSON output.
/// </summary>
/// <param name="endpoint">The endpoint URL (<c>--endpoint-url</c>).</param>
/// <param name="accessKeyId">The access key id.</param>
/// <param name="secretAccessKey">The secret key.</param>
/// <param name="region">The region (<c>AWS_DEFAULT_REGION</c>).</param>
public sealed class AwsCli(string endpoint, string accessKeyId, string secretAccessKey, string region)
{
    /// <summary>How long one call may take before it is killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>More environment variables (e.g. those <c>nob status</c> publishes), set after the key pair and region.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The same endpoint, region and access key id with another secret (a wrongly signed request).</summary>
    public AwsCli WithSecret(string otherSecretAccessKey) => new(endpoint, accessKeyId, otherSecretAccessKey, region) { Environment = Environment };

    /// <summary>Debian's awscli at /usr/bin/aws, else whatever <c>aws</c> is on PATH.</summary>
    public static string Executable()
    {
        if (File.Exists("/usr/bin/aws"))
        {
            return "/usr/bin/aws";
        }

        return (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "aws")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("the AWS CLI is not installed: sudo apt-get install -y awscli");
    }

    /// <summary>
    /// A start for <paramref name="fileName"/> with none of the test host's AWS settings: every <c>AWS_*</c> variable
    /// removed, config and credentials files that do not exist, no instance metadata, no pager.
    /// </summary>
    public static ProcessStartInfo IsolatedStartInfo(string fileName)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["AWS_CONFIG_FILE"] = "/nonexistent/aws-config";
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        info.Environment["AWS_PAGER"] = "";
        return info;
    }

    /// <summary>Runs a child process to its end, reading both streams; killed (and a <see cref="TimeoutException"/>) after <paramref name="timeout"/>.</summary>
    public static async Task<ToolResult> RunProcessAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{info.FileName} {string.Join(' ', info.ArgumentList)} did not end within {timeout}");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary><c>aws --endpoint-url … --output json --no-cli-pager ARGUMENTS</c>, whatever its exit code.</summary>
    public Task<ToolResult> RunAsync(params string[] arguments)
    {
        var info = IsolatedStartInfo(Executable());
        foreach (var argument in new[] { "--endpoint-url", endpoint.TrimEnd('/'), "--output", "json", "--no-cli-pager" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AWS_ACCESS_KEY_ID"] = accessKeyId;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = secretAccessKey;
        info.Environment["AWS_DEFAULT_REGION"] = region;
        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        return RunProcessAsync(info, Timeout);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit fails (with the CLI's output in the message).</summary>
    public async Task<string> OutputAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"aws {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Stderr}\n{result.Stdout}");
    }

    /// <summary>The JSON object a successful call prints (an empty object for a call that prints nothing).</summary>
    public async Task<JsonObject> JsonAsync(params string[] arguments)
    {
        var stdout = await OutputAsync(arguments);
        return stdout.Trim().Length == 0 ? [] : JsonNode.Parse(stdout)!.AsObject();
    }
}
