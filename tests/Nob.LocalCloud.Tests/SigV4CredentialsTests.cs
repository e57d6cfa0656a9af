using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// The endpoint's access key: made on the first start (0600), the same after a restart, gone after down; and what a
/// user does with it outside nob: Debian's <c>curl --aws-sigv4</c>.
/// </summary>
[Collection(CloudCollection.Name)]
public sealed class SigV4CredentialsTests(CloudFixture fixture)
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Credentials_MadeOnFirstStart0600_SameAfterRestart_RemovedByDown()
    {
        var data = Path.Combine(fixture.Root, $"credentials-{Guid.NewGuid():N}");
        // The shared cloud's TLS material, so no keytool runs here.
        var options = new LocalCloudOptions { DataDirectory = data, TlsDirectory = Path.GetDirectoryName(fixture.Cloud.Tls.TrustStorePath) };
        var file = Path.Combine(data, LocalCloudCredentials.FileName);

        var first = await LocalCloud.StartAsync(options);
        LocalCloudCredentials made;
        try
        {
            made = first.Credentials;
            Assert.Matches("^AKIA[A-Z2-7]{16}$", made.AccessKeyId);
            Assert.Matches("^[A-Za-z0-9+/]{40}$", made.SecretAccessKey);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(made.AccessKeyId, first.EnvironmentVariables["AWS_ACCESS_KEY_ID"]);
            Assert.Equal(made.SecretAccessKey, first.EnvironmentVariables["AWS_SECRET_ACCESS_KEY"]);
            Assert.DoesNotContain(made.SecretAccessKey, made.ToString(), StringComparison.Ordinal);
            Assert.NotEqual(fixture.Cloud.Credentials, made);
        }
        finally
        {
            await first.StopAsync();
        }

        var second = await LocalCloud.StartAsync(options);
        try
        {
            Assert.Equal(made, second.Credentials);
            using var ssm = new AmazonSimpleSystemsManagementClient(new BasicAWSCredentials(made.AccessKeyId, made.SecretAccessKey),
                new AmazonSimpleSystemsManagementConfig { ServiceURL = second.Endpoint.AbsoluteUri, AuthenticationRegion = Clients.Region, MaxErrorRetry = 0 });
            var parameters = await ssm.GetParametersByPathAsync(new GetParametersByPathRequest { Path = "/nob/" });
            Assert.Empty(parameters.Parameters ?? []);
        }
        finally
        {
            await second.DownAsync();
        }

        Assert.False(File.Exists(file));
    }

    [Fact]
    public void LoadOrCreate_TwoFolders_TwoDifferentPairs()
    {
        var folder = Path.Combine(fixture.Root, $"pairs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);

        var a = LocalCloudCredentials.LoadOrCreate(Path.Combine(folder, "a.json"));
        var b = LocalCloudCredentials.LoadOrCreate(Path.Combine(folder, "b.json"));

        Assert.NotEqual(a.AccessKeyId, b.AccessKeyId);
        Assert.NotEqual(a.SecretAccessKey, b.SecretAccessKey);
        Assert.Equal(a, LocalCloudCredentials.LoadOrCreate(Path.Combine(folder, "a.json")));
    }

    [Fact]
    public async Task Curl_AwsSigV4_Ssm_Reached_WrongKeyOrSecretRefused()
    {
        var key = fixture.Cloud.Credentials;
        string[] request = ["-H", "Content-Type: application/x-amz-json-1.1", "-H", "X-Amz-Target: AmazonSSM.GetParametersByPath", "-d", """{"Path":"/nob/"}""", fixture.Cloud.Endpoint.AbsoluteUri];

        var signed = await CurlAsync("ssm", key.AccessKeyId, key.SecretAccessKey, request);
        var wrongKey = await CurlAsync("ssm", "AKIAIOSFODNN7EXAMPLE", key.SecretAccessKey, request);
        var wrongSecret = await CurlAsync("ssm", key.AccessKeyId, "not-" + key.SecretAccessKey, request);

        Assert.Equal(HttpStatusCode.OK, signed.Status);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(signed.Body).RootElement.GetProperty("Parameters").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, wrongKey.Status);
        Assert.Equal("UnrecognizedClientException", JsonDocument.Parse(wrongKey.Body).RootElement.GetProperty("__type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, wrongSecret.Status);
        Assert.Equal("InvalidSignatureException", JsonDocument.Parse(wrongSecret.Body).RootElement.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task Curl_AwsSigV4_AdminRouteAndExecuteApi_PassTheCheck()
    {
        var key = fixture.Cloud.Credentials;

        var health = await CurlAsync(Nob.Aws.SignedHttp.LocalCloudAdminService, key.AccessKeyId, key.SecretAccessKey, new Uri(fixture.Cloud.Endpoint, "_localcloud/health").AbsoluteUri);
        var api = await CurlAsync("execute-api", key.AccessKeyId, key.SecretAccessKey, new Uri(fixture.Cloud.Endpoint, "sigv4-tests/not-a-route").AbsoluteUri);
        var apiWrongSecret = await CurlAsync("execute-api", key.AccessKeyId, "not-" + key.SecretAccessKey, new Uri(fixture.Cloud.Endpoint, "sigv4-tests/not-a-route").AbsoluteUri);

        Assert.Equal((HttpStatusCode.OK, "ok\n"), (health.Status, health.Body));
        Assert.Equal((HttpStatusCode.NotFound, "NotFoundException"), (api.Status, api.ErrorType));
        Assert.Equal((HttpStatusCode.Forbidden, "InvalidSignatureException"), (apiWrongSecret.Status, apiWrongSecret.ErrorType));
        Assert.StartsWith("The request signature we calculated does not match", JsonDocument.Parse(apiWrongSecret.Body).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Runs Debian's curl with <c>--aws-sigv4 aws:amz:us-east-1:SERVICE --user KEY:SECRET</c>; the status, body and x-amzn-ErrorType.</summary>
    private async Task<(HttpStatusCode Status, string Body, string? ErrorType)> CurlAsync(string service, string accessKeyId, string secret, params string[] arguments)
    {
        var headers = Path.Combine(fixture.Root, $"curl-headers-{Guid.NewGuid():N}");
        var body = await CurlProcess.RunAsync(new[] { "--silent", "--show-error", "--max-time", "30", "--dump-header", headers, "--aws-sigv4", $"aws:amz:{Clients.Region}:{service}", "--user", $"{accessKeyId}:{secret}" }.Concat(arguments));
        var lines = await File.ReadAllLinesAsync(headers);
        File.Delete(headers);
        var status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var errorType = lines.FirstOrDefault(l => l.StartsWith("x-amzn-ErrorType:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Trim();
        return (status, body, errorType);
    }
}
