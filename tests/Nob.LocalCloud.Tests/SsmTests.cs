using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Adapters;

namespace Nob.LocalCloud.Tests;

/// <summary>SSM Parameter Store through AWSSDK.SimpleSystemsManagement and the workflow's adapter.</summary>
[Collection(CloudCollection.Name)]
public sealed class SsmTests(CloudFixture fixture)
{
    private const string Secret = "ssm-Secret-Value-42!";

    [Fact]
    public async Task SecureString_RoundTrip_EncryptedAtRest()
    {
        using var ssm = Clients.Ssm(fixture.Cloud);
        var put = await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/tests/password", Type = ParameterType.SecureString, Value = Secret });

        var plain = await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/tests/password", WithDecryption = true });
        var cipher = await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/tests/password", WithDecryption = false });

        Assert.Equal(1, put.Version);
        Assert.Equal(Secret, plain.Parameter.Value);
        Assert.Equal(ParameterType.SecureString, plain.Parameter.Type);
        Assert.Equal("arn:aws:ssm:us-east-1:000000000000:parameter/nob/tests/password", plain.Parameter.ARN);
        Assert.NotEqual(Secret, cipher.Parameter.Value);
        var state = await File.ReadAllTextAsync(Path.Combine(fixture.Cloud.DataDirectory, "ssm.json"));
        Assert.Contains("/nob/tests/password", state, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, state, StringComparison.Ordinal);
        Assert.Equal(Secret, (await new SsmParameterStore(ssm).GetSecureStringAsync("/nob/tests/password", default)).Reveal());
    }

    [Fact]
    public async Task PutParameter_Exists_NeedsOverwrite_ThenNewVersion()
    {
        using var ssm = Clients.Ssm(fixture.Cloud);
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "nob-plain", Type = ParameterType.String, Value = "one" });

        await Assert.ThrowsAsync<ParameterAlreadyExistsException>(() =>
            ssm.PutParameterAsync(new PutParameterRequest { Name = "nob-plain", Type = ParameterType.String, Value = "two" }));
        var overwritten = await ssm.PutParameterAsync(new PutParameterRequest { Name = "nob-plain", Type = ParameterType.String, Value = "two", Overwrite = true });
        var both = await ssm.GetParametersAsync(new GetParametersRequest { Names = ["nob-plain", "/nob/none"] });

        Assert.Equal(2, overwritten.Version);
        Assert.Equal("two", Assert.Single(both.Parameters).Value);
        Assert.Equal(["/nob/none"], both.InvalidParameters);
        // The adapter insists on a SecureString for passwords.
        await Assert.ThrowsAsync<InvalidOperationException>(() => new SsmParameterStore(ssm).GetSecureStringAsync("nob-plain", default));
    }

    [Fact]
    public async Task GetParameter_Missing_ParameterNotFound_DeleteRemoves()
    {
        using var ssm = Clients.Ssm(fixture.Cloud);
        await ssm.PutParameterAsync(new PutParameterRequest { Name = "/nob/tests/doomed", Type = ParameterType.SecureString, Value = Secret });

        await ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = "/nob/tests/doomed" });

        var missing = await Assert.ThrowsAsync<ParameterNotFoundException>(() =>
            ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/tests/doomed", WithDecryption = true }));
        Assert.Equal("ParameterNotFound", missing.ErrorCode);
        await Assert.ThrowsAsync<ParameterNotFoundException>(() => ssm.DeleteParameterAsync(new DeleteParameterRequest { Name = "/nob/tests/doomed" }));
        // The workflow's adapter names what is missing (the ASL catches it by name).
        var named = await Assert.ThrowsAsync<Nob.Core.Workflow.PasswordParameterMissingException>(() => new SsmParameterStore(ssm).GetSecureStringAsync("/nob/tests/doomed", default));
        Assert.Equal("/nob/tests/doomed", named.ParameterName);
    }

    [Fact]
    public async Task PutParameter_ReservedPrefix_ValidationException()
    {
        using var ssm = Clients.Ssm(fixture.Cloud);

        var e = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() =>
            ssm.PutParameterAsync(new PutParameterRequest { Name = "aws-reserved", Type = ParameterType.String, Value = "x" }));

        Assert.Equal("ValidationException", e.ErrorCode);
    }
}
