using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>`nob status` tells a user how to reach the endpoint with its access key, and the AWS CLI does with exactly that.</summary>
public sealed class StatusCredentialsTests(ForegroundCloudFixture fixture) : IClassFixture<ForegroundCloudFixture>
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Status_PrintsTheAccessKey_AsExportLineAndJson_TheAwsCliWorksWithIt()
    {
        var text = await fixture.NobAsync("status");
        var json = await fixture.NobAsync("status", "--json");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());

        var published = fixture.CloudEnvironment;
        var status = JsonNode.Parse(json.Stdout)!;
        Assert.Equal(published["AWS_ACCESS_KEY_ID"], (string?)status["credentials"]?["accessKeyId"]);
        Assert.Equal(published["AWS_SECRET_ACCESS_KEY"], (string?)status["credentials"]?["secretAccessKey"]);
        Assert.Equal(published["AWS_ENDPOINT_URL"], (string?)status["endpoint"]);
        Assert.Equal(published["AWS_REGION"], (string?)status["region"]);
        Assert.StartsWith("AKIA", published["AWS_ACCESS_KEY_ID"], StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fixture.CloudStateFile));
        // The networks API beside them, and the drift schedule's next run.
        var apiUrl = (string?)status["apiUrl"] ?? throw new Xunit.Sdk.XunitException($"no apiUrl in {json.Stdout}");
        Assert.Matches(@"^http://127\.0\.0\.1:\d+/restapis/[a-z0-9]{10}/v1/_user_request_$", apiUrl);
        Assert.StartsWith(published["AWS_ENDPOINT_URL"] + "/", apiUrl, StringComparison.Ordinal);
        Assert.Contains($"Networks API: {apiUrl}/networks", text.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Schedule nob-DriftCheckSchedule: rate\(6 hours\) \(UTC\), next run \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", text.Stdout);

        // What a user does: paste the printed line into a shell, then use the AWS CLI.
        var export = text.Stdout.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("export ", StringComparison.Ordinal));
        var listed = await ShellAsync($"{export}; aws ssm get-parameters-by-path --path /nob/ --output json");
        var wrongSecret = await ShellAsync($"{export}; AWS_SECRET_ACCESS_KEY=not-the-secret aws mq list-brokers --output json");

        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.NotNull(JsonNode.Parse(listed.Stdout)?["Parameters"]?.AsArray());
        Assert.NotEqual(0, wrongSecret.ExitCode);
        Assert.Contains("(InvalidSignatureException)", wrongSecret.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsStatusJson_ExitsZero()
    {
        var help = await fixture.NobAsync("--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("nob status [--json]", help.Stdout, StringComparison.Ordinal);
    }

    /// <summary>sh -c SCRIPT with none of the test host's AWS settings (no profile, config or credentials file).</summary>
    static Task<ToolResult> ShellAsync(string script)
    {
        var info = AwsCli.IsolatedStartInfo("sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        return AwsCli.RunProcessAsync(info, AwsCli.Timeout);
    }
}
