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

    /// <summary>
    /// The AWS CLI as `nob status` tells a user to run it: the endpoint, region and key pair cloud.json records, and the
    /// environment it publishes.
    /// </summary>
    public static async Task<AwsCli> AwsCliAsync(LocalHomeFixture fixture)
    {
        var cloud = JsonNode.Parse(await File.ReadAllTextAsync(fixture.CloudStateFile))!;
        var environment = cloud["environment"]!;
        return new AwsCli(Str(cloud, "endpoint"), Str(environment, "AWS_ACCESS_KEY_ID"), Str(environment, "AWS_SECRET_ACCESS_KEY"), (string?)cloud["region"] ?? "us-east-1")
        {
            Environment = environment.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal),
        };
    }

    /// <summary>The AWS CLI of <see cref="AwsCliAsync"/>; a non-zero exit fails; returns its JSON output.</summary>
    public static async Task<JsonObject> AwsAsync(LocalHomeFixture fixture, params string[] arguments) =>
        await (await AwsCliAsync(fixture)).JsonAsync(arguments);

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
        var (exitCode, stdout, stderr) = await AwsCli.RunProcessAsync(info, ToolTimeout);
        Assert.True(exitCode == 0, $"curl {method} {path} exited {exitCode}:\n{stderr}");
        var newline = stdout.LastIndexOf('\n');
        var body = stdout[..newline];
        return (int.Parse(stdout[(newline + 1)..], System.Globalization.CultureInfo.InvariantCulture), body.Trim().Length == 0 ? null : JsonNode.Parse(body));
    }
}
