using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The local endpoint as a user outside nob drives it: `nob cloud` in the foreground of a child process, the AWS CLI and
/// `curl --aws-sigv4` with the endpoint and key pair cloud.json records (what `nob status` prints).
/// </summary>
public static class LocalEndpointProcess
{
    static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    /// <summary>`nob cloud [arguments]`; returns once cloud.json names it (the endpoint listens).</summary>
    public static async Task<(Process Daemon, StringBuilder Log)> StartAsync(LocalHomeFixture fixture, params string[] arguments)
    {
        var info = NobProcess.StartInfo(fixture.Home, fixture.Password, ["cloud", .. arguments]);
        var log = new StringBuilder();
        var daemon = Process.Start(info) ?? throw new InvalidOperationException("could not start nob cloud");
        daemon.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        daemon.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        daemon.StandardInput.Close();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (File.Exists(fixture.CloudStateFile) && (int?)JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))?["pid"] == daemon.Id) return (daemon, log);
            Assert.False(daemon.HasExited, $"nob cloud exited {(daemon.HasExited ? daemon.ExitCode : 0)}:\n{log}");
            Assert.True(DateTime.UtcNow < deadline, $"nob cloud did not start within 2 minutes:\n{log}");
            await Task.Delay(250);
        }
    }

    /// <summary>SIGTERM, as `nob down` and Ctrl-C stop it; bounded.</summary>
    public static async Task StopAsync(Process daemon, StringBuilder log, ITestOutputHelper output)
    {
        using (daemon)
        {
            Nob.LocalBrokers.ProcessIdentity.Of(daemon.Id)?.TrySignal(Nob.LocalBrokers.ProcessIdentity.SigTerm);
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await daemon.WaitForExitAsync(patience.Token);
            output.WriteLine($"nob cloud (pid {daemon.Id}) exited {daemon.ExitCode}:\n{log}");
        }
    }

    public static string Str(JsonNode node, string member) => (string?)node[member] ?? throw new InvalidOperationException($"no {member} in {node.ToJsonString()}");

    /// <summary>The AWS CLI with the endpoint and the key pair cloud.json gives; asserts exit 0 and returns its JSON output.</summary>
    public static async Task<JsonObject> AwsAsync(LocalHomeFixture fixture, params string[] arguments)
    {
        var cloud = JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))!;
        var info = new ProcessStartInfo(File.Exists("/usr/bin/aws") ? "/usr/bin/aws" : "aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--endpoint-url", Str(cloud, "endpoint"), "--output", "json", "--no-cli-pager" }.Concat(arguments)) info.ArgumentList.Add(a);
        foreach (var name in new[] { "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION" }) info.Environment.Remove(name);
        info.Environment["AWS_ACCESS_KEY_ID"] = Str(cloud["environment"]!, "AWS_ACCESS_KEY_ID");
        info.Environment["AWS_SECRET_ACCESS_KEY"] = Str(cloud["environment"]!, "AWS_SECRET_ACCESS_KEY");
        info.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
        info.Environment["AWS_CONFIG_FILE"] = "/nonexistent/aws-config";
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/aws-credentials";
        info.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        var (exitCode, stdout, stderr) = await RunAsync(info);
        Assert.True(exitCode == 0, $"aws {string.Join(' ', arguments)} exited {exitCode}:\n{stderr}");
        return stdout.Trim().Length == 0 ? [] : JsonNode.Parse(stdout)!.AsObject();
    }

    /// <summary>DescribeExecution (AWS CLI) until the execution is no longer RUNNING; bounded.</summary>
    public static async Task<JsonObject> WaitForEndAsync(LocalHomeFixture fixture, string executionArn, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var described = await AwsAsync(fixture, "stepfunctions", "describe-execution", "--execution-arn", executionArn);
            if (Str(described, "status") != "RUNNING") return described;
            Assert.True(DateTime.UtcNow < deadline, $"{executionArn} still runs after {patience}");
            await Task.Delay(1000);
        }
    }

    /// <summary>
    /// A request to the networks API (`apiUrl` + <paramref name="path"/>) signed by curl's own <c>--aws-sigv4</c> for
    /// execute-api, as a user types it; <paramref name="secret"/> replaces the secret key (a wrongly signed request).
    /// </summary>
    public static async Task<(int Status, JsonNode? Body)> ApiAsync(LocalHomeFixture fixture, string method, string path, string? bodyFile = null, string? secret = null, bool sign = true)
    {
        var cloud = JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))!;
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-sS", "-X", method, "-w", "\n%{http_code}", "-H", "Content-Type: application/json" }) info.ArgumentList.Add(a);
        if (sign)
        {
            foreach (var a in new[] { "--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user",
                $"{Str(cloud["environment"]!, "AWS_ACCESS_KEY_ID")}:{secret ?? Str(cloud["environment"]!, "AWS_SECRET_ACCESS_KEY")}" }) info.ArgumentList.Add(a);
        }
        if (bodyFile is not null)
        {
            info.ArgumentList.Add("--data-binary");
            info.ArgumentList.Add("@" + bodyFile);
        }
        info.ArgumentList.Add(Str(cloud, "apiUrl") + path);
        var (exitCode, stdout, stderr) = await RunAsync(info);
        Assert.True(exitCode == 0, $"curl {method} {path} exited {exitCode}:\n{stderr}");
        var newline = stdout.LastIndexOf('\n');
        var body = stdout[..newline];
        return (int.Parse(stdout[(newline + 1)..], System.Globalization.CultureInfo.InvariantCulture), body.Trim().Length == 0 ? null : JsonNode.Parse(body));
    }

    static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
