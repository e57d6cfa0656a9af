using Nob.Core.Verification;
using Nob.Core.Workflow;
using Nob.LocalBrokers;
using Nob.Stomp.Tests.Infrastructure;

namespace Nob.Stomp.Tests.Brokers;

/// <summary>The STOMP client and the probe against one real ActiveMQ 5.17 broker, over its stomp+ssl transport.</summary>
[Collection(LocalNetworksCollection.Name)]
public sealed class StompOnBrokerTests(LocalNetworksFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private LocalBroker Broker => fixture.Tutorial.Single("MyBroker1");

    private BrokerUser User => fixture.Tutorial.User;

    [Fact]
    public async Task RoundTrip_OneBrokerOverTls_BinaryAndTextBodiesAndEscapedHeaders()
    {
        await using var client = await StompClient.ConnectAsync(fixture.ClientOptions(Broker, User.Username, User.Password));
        var queue = $"/queue/nob.test.roundtrip.{Guid.NewGuid():N}";
        byte[] binary = [0, 1, 2, 0, 0, 255, (byte)'\n', 0];

        var subscription = await client.SubscribeAsync(queue);
        await client.SendAsync(queue, binary, [new("nobNote", "a:b\nc\\d")]);
        await client.SendTextAsync(queue, "Grüße über STOMP");
        var first = await subscription.ReceiveAsync(Patience);
        var second = await subscription.ReceiveAsync(Patience);
        await subscription.UnsubscribeAsync();
        await client.DisconnectAsync();

        Assert.StartsWith("ActiveMQ/5.17", client.ServerName, StringComparison.Ordinal);
        Assert.Equal(binary, first.Body.ToArray());
        Assert.Equal("a:b\nc\\d", first.Header("nobNote"));
        Assert.Equal(queue, first.Destination);
        Assert.False(string.IsNullOrEmpty(first.MessageId));
        Assert.Equal("Grüße über STOMP", second.BodyText);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task WrongPassword_ClearErrorNamingTheUser_NeverAPassword()
    {
        const string wrong = "Not-The-Password-123";

        var error = await Assert.ThrowsAsync<StompErrorException>(() => StompClient.ConnectAsync(fixture.ClientOptions(Broker, User.Username, wrong)));
        var probeError = await Assert.ThrowsAsync<MessageProbeException>(() =>
            fixture.Probe().ConnectAsync(new ProbeTarget("MyBroker1", [Broker.StompUri!], User.Username, new Secret(wrong)), CancellationToken.None));

        Assert.True(error.DuringConnect);
        Assert.Contains($"User name [{User.Username}] or password is invalid", error.ServerMessage, StringComparison.Ordinal);
        Assert.Contains($"refused the connection of user \"{User.Username}\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(ProbeFailure.AuthenticationFailed, probeError.Failure);
        Assert.Contains($"broker MyBroker1: {Broker.StompUri} refused the connection of user \"{User.Username}\"", probeError.Message, StringComparison.Ordinal);
        foreach (var text in new[] { error.ToString(), probeError.ToString() })
        {
            Assert.DoesNotContain(wrong, text, StringComparison.Ordinal);
            Assert.DoesNotContain(User.Password, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SystemCertificateValidation_RefusesTheSelfSignedBroker()
    {
        var options = fixture.ClientOptions(Broker, User.Username, User.Password);

        var error = await Assert.ThrowsAsync<StompConnectionException>(() => StompClient.ConnectAsync(options.WithSystemCertificateValidation()));

        Assert.Contains("TLS handshake", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_FirstEndpointDead_ConnectsToTheOneThatAnswers()
    {
        var dead = $"stomp+ssl://127.0.0.1:{FreePorts.Allocate()}";
        var target = new ProbeTarget("MyBroker1", [dead, Broker.StompUri!], User.Username, new Secret(User.Password));

        await using var connection = await fixture.Probe().ConnectAsync(target, CancellationToken.None);
        await connection.CloseAsync(CancellationToken.None);

        Assert.Equal(Broker.StompUri, connection.Endpoint);
    }
}
