using System.Text.Json;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.Tests.Infrastructure;

namespace Nob.Aws.Tests;

/// <summary>Passwords go on the wire and nowhere else: not in ToString(), not in exception text.</summary>
public class SecretRedactionTests
{
    [Fact]
    public void CreateUserRequest_ToString_DoesNotContainPassword()
    {
        var text = Samples.CreateUser().ToString();

        Assert.DoesNotContain(Samples.Password, text, StringComparison.Ordinal);
        Assert.Contains(Redaction.Mask, text, StringComparison.Ordinal);
        Assert.Contains(Samples.Username, text, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateBrokerRequest_ToString_DoesNotContainPassword()
    {
        var request = Samples.CreateBroker();

        Assert.DoesNotContain(Samples.Password, request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.Password, request.Users[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("nob", request.Users[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_Ok_SendsPasswordOnlyInBody()
    {
        using var server = new CapturingServer(CannedResponse.Json("{}"));
        using var client = TestClients.For(server);

        await client.CreateUserAsync(Samples.CreateUser());

        var sent = server.Single();
        using var body = JsonDocument.Parse(sent.Body);
        Assert.Equal(Samples.Password, body.RootElement.GetProperty("password").GetString());
        Assert.DoesNotContain(Samples.Password, sent.RawPath, StringComparison.Ordinal);
        Assert.All(sent.Headers.Values, v => Assert.DoesNotContain(Samples.Password, v, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateUser_ServiceEchoesPassword_ExceptionTextIsRedacted()
    {
        using var server = new CapturingServer(CannedResponse.Error(400, "BadRequestException", $"Password '{Samples.Password}' is too weak", Samples.Password));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqBadRequestException>(() => client.CreateUserAsync(Samples.CreateUser()));

        Assert.DoesNotContain(Samples.Password, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Samples.Password, e.Message, StringComparison.Ordinal);
        Assert.Equal(Redaction.Mask, e.ErrorAttribute);
        Assert.Contains("too weak", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateBroker_ServiceEchoesPasswordInBodyWithoutMessage_ExceptionTextIsRedacted()
    {
        using var server = new CapturingServer(new CannedResponse(400, $$"""{"detail":"{{Samples.Password}}"}"""));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqBadRequestException>(() => client.CreateBrokerAsync(Samples.CreateBroker()));

        Assert.DoesNotContain(Samples.Password, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_Conflict_ExceptionTextHasNoPassword()
    {
        using var server = new CapturingServer(CannedResponse.Error(409, "ConflictException", "User nob already exists", "username"));
        using var client = TestClients.For(server);

        var e = await Assert.ThrowsAsync<MqConflictException>(() => client.CreateUserAsync(Samples.CreateUser()));

        Assert.DoesNotContain(Samples.Password, e.ToString(), StringComparison.Ordinal);
        Assert.Equal("username", e.ErrorAttribute);
    }
}
