using System.Diagnostics;
using Nob.Core.Planning;
using Nob.Core.Verification;
using Nob.Core.Workflow;
using Xunit.Abstractions;

namespace Nob.Stomp.Tests.Brokers;

/// <summary>
/// <see cref="BridgeVerifier"/> with <see cref="StompMessageProbe"/> on real brokers: connectors written by the product
/// carry the test messages both ways; a missing connector, a stopped broker and a failover are told apart.
/// </summary>
[Collection(LocalNetworksCollection.Name)]
public sealed class BridgeVerificationOnBrokersTests(LocalNetworksFixture fixture, ITestOutputHelper output)
{
    private BridgeVerifier Verifier(TimeSpan timeout) => new(fixture.Probe(), new BridgeVerificationOptions { Timeout = timeout });

    [Fact]
    public async Task TutorialDuplexBridge_PassesBothDirections()
    {
        var network = fixture.Tutorial;

        var report = await Verifier(TimeSpan.FromSeconds(30)).CheckAsync(network.Request(), CancellationToken.None);
        output.WriteLine(report.ToString());

        Assert.True(report.Succeeded, $"{report}\n{network.Diagnose()}");
        Assert.Equal(["MyBroker1 → MyBroker2", "MyBroker2 → MyBroker1"], report.Pairs.Select(p => p.Name));
        Assert.All(report.Pairs, p => Assert.InRange(p.Latency!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        Assert.All(report.Pairs, p => Assert.StartsWith("nob.verify.tutorial.", p.Queue, StringComparison.Ordinal));
        Assert.Equal(network.Single("MyBroker2").StompUri, report.Pairs[0].ReceiverEndpoint);
    }

    [Fact]
    public async Task MissingConnector_FailsWithinTheTimeout_NamingEachPair()
    {
        var network = fixture.Unbridged; // the plan says connected; the brokers still run the default revision
        var timeout = TimeSpan.FromSeconds(6);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => Verifier(timeout).VerifyAsync(network.Request(), CancellationToken.None));
        output.WriteLine(error.Message);

        Assert.InRange(clock.Elapsed, timeout, timeout + TimeSpan.FromSeconds(15));
        Assert.Equal(["MyBroker1 → MyBroker2", "MyBroker2 → MyBroker1"], error.Failures.Select(f => f.Name));
        Assert.All(error.Failures, f => Assert.Equal(PairStage.Receive, f.FailedAt));
        Assert.Contains("- MyBroker1 → MyBroker2: the message sent on MyBroker1 did not arrive on MyBroker2 within 6 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("is missing, or its configuration revision is not applied yet", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(network.User.Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_FailsNamingTheUser()
    {
        var network = fixture.Tutorial;

        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() =>
            Verifier(TimeSpan.FromSeconds(20)).VerifyAsync(network.Request(password: "Wrong-Password-000"), CancellationToken.None));
        output.WriteLine(error.Message);

        Assert.Equal(2, error.Failures.Count);
        Assert.Contains($"user \"{network.User.Username}\" does not exist on MyBroker2, or its password there differs", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong-Password-000", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(network.User.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppedBroker_FailsFastWithAClearError()
    {
        var sender = fixture.Unbridged.Single("MyBroker1");
        var lone = fixture.Lone;
        await lone.StopAsync();
        var request = new BridgeVerificationRequest(
            "unbridged",
            [new ConnectedPair("MyBroker1", "Lone", ["MyBroker1", "Lone"]), new ConnectedPair("Lone", "MyBroker1", ["Lone", "MyBroker1"])],
            new Dictionary<string, IReadOnlyList<string>> { ["MyBroker1"] = [sender.StompUri!], ["Lone"] = [lone.StompUri!] },
            fixture.Unbridged.User.Username,
            new Secret(fixture.Unbridged.User.Password));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() =>
            Verifier(TimeSpan.FromSeconds(30)).VerifyAsync(request, CancellationToken.None));
        output.WriteLine(error.Message);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"a refused connection is an answer, not a timeout ({clock.Elapsed})");
        Assert.Equal(
            [("MyBroker1 → Lone", PairStage.ConnectReceiver), ("Lone → MyBroker1", PairStage.ConnectSender)],
            error.Failures.Select(f => (f.Name, f.FailedAt!.Value)));
        Assert.Contains($"connecting to Lone failed: no STOMP endpoint of broker Lone accepted a connection: could not connect to {lone.StompUri}: ConnectionRefused",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("Lone is not running or is rebooting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActiveStandbyReceiver_PassesBeforeAndAfterFailover()
    {
        var network = fixture.ActiveStandby;
        var pair = network.ActiveStandbyBrokers["MyBroker2"];
        Assert.Equal([pair.First.StompUri!, pair.Second.StompUri!], network.StompEndpoints["MyBroker2"]);

        var before = await Verifier(TimeSpan.FromSeconds(30)).CheckAsync(network.Request(), CancellationToken.None);
        output.WriteLine($"before failover: {before}");
        Assert.True(before.Succeeded, $"{before}\n{network.Diagnose()}");

        var active = await pair.FailOverAsync();
        var after = await Verifier(TimeSpan.FromSeconds(60)).CheckAsync(network.Request(), CancellationToken.None);
        output.WriteLine($"after failover: {after}");

        Assert.Same(pair.Second, active);
        Assert.True(after.Succeeded, $"{after}\n{network.Diagnose()}");
        Assert.Equal(pair.First.StompUri, before.Pairs.Single(p => p.Receiver == "MyBroker2").ReceiverEndpoint);
        Assert.Equal(pair.Second.StompUri, after.Pairs.Single(p => p.Receiver == "MyBroker2").ReceiverEndpoint);
        Assert.Equal(pair.Second.StompUri, after.Pairs.Single(p => p.Sender == "MyBroker2").SenderEndpoint);
    }
}
