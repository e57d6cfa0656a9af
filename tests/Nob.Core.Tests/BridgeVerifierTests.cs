using System.Diagnostics;
using System.Globalization;
using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.Core.Verification;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>The verifier against an in-memory network and a clock that moves only when told: every outcome is deterministic.</summary>
public sealed class BridgeVerifierTests
{
    private const string Password = "Common-Password-42";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ManualClock _clock = new();
    private readonly FakeMessageProbe _probe;
    private int _ids;

    public BridgeVerifierTests()
    {
        _probe = new FakeMessageProbe(_clock);
    }

    private FakeMessageProbe Network(NetworkPlan plan, params (string Sender, string Receiver)[] routes)
    {
        foreach (var broker in plan.Brokers)
        {
            _probe.Brokers[broker.Name] = new FakeProbeBroker(Password);
        }
        foreach (var route in routes)
        {
            _probe.Routes.Add(route);
        }
        return _probe;
    }

    private static (string, string)[] AllRoutes(NetworkPlan plan) => [.. plan.ConnectedPairs.Select(p => (p.Sender, p.Receiver))];

    private BridgeVerifier Verifier(int concurrency = 8) => new(_probe, new BridgeVerificationOptions
    {
        Timeout = Timeout,
        MaxConcurrency = concurrency,
        TimeProvider = _clock,
        NewId = () => Guid.Parse($"00000000-0000-0000-0000-{Interlocked.Increment(ref _ids):D12}", CultureInfo.InvariantCulture),
    });

    private static BridgeVerificationRequest Request(NetworkPlan plan, string password = Password) =>
        BridgeVerificationRequest.For(plan, Repo.StompEndpoints(plan), "myCommonUser", new Secret(password));

    /// <summary>Waits (in real time, briefly) for the verifier's tasks to reach a state; the manual clock does not move meanwhile.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting until {what}");
            await Task.Delay(5);
        }
    }

    private int Unsubscribed => _probe.Log.Count(l => l.StartsWith("unsubscribe", StringComparison.Ordinal));

    [Fact]
    public async Task AllPairsDeliver_ReportHasLatencyUniqueQueuesAndExpiringMessages_AndCleansUp()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).DeliveryDelay = TimeSpan.FromMilliseconds(250);
        var start = _clock.GetUtcNow();

        var report = await Verifier(concurrency: 1).VerifyAsync(Request(plan), CancellationToken.None);

        Assert.True(report.Succeeded);
        Assert.Equal(["MyBroker1 → MyBroker2", "MyBroker2 → MyBroker1"], report.Pairs.Select(p => p.Name));
        Assert.All(report.Pairs, p => Assert.Equal(TimeSpan.FromMilliseconds(250), p.Latency));
        // One queue per receiver and run: MyBroker2's (the first pair's receiver), then MyBroker1's.
        Assert.Equal("nob.verify.tutorial.MyBroker2.00000000000000000000000000000001", report.Pairs[0].Queue);
        Assert.Equal("nob.verify.tutorial.MyBroker1.00000000000000000000000000000002", report.Pairs[1].Queue);
        Assert.Equal("stomp+ssl://mybroker2-1.mq.example:61614", report.Pairs[0].ReceiverEndpoint);
        Assert.Equal("stomp+ssl://mybroker1-1.mq.example:61614", report.Pairs[0].SenderEndpoint);
        Assert.Equal(start + Timeout, _probe.Sent[0].Message.ExpiresAt);
        Assert.Contains("MyBroker1 -> MyBroker2", _probe.Sent[0].Message.Body, StringComparison.Ordinal);
        var (queue, back) = (report.Pairs[0].Queue, report.Pairs[1].Queue);
        // One connection per broker, shared by both pairs, closed at the end.
        Assert.Equal(
            [
                "connect MyBroker2 at stomp+ssl://mybroker2-1.mq.example:61614", $"subscribe MyBroker2 {queue}",
                "connect MyBroker1 at stomp+ssl://mybroker1-1.mq.example:61614", $"send MyBroker1 {queue}",
                $"unsubscribe MyBroker2 {queue}",
                $"subscribe MyBroker1 {back}", $"send MyBroker2 {back}", $"unsubscribe MyBroker1 {back}",
            ],
            _probe.Log.Take(8));
        Assert.Equal(["close MyBroker1", "close MyBroker2"], _probe.Log.Skip(8).Order());
        Assert.Equal(0, _probe.OpenConnections);
    }

    [Fact]
    public async Task OneDirectionCarriesNothing_FailsExactlyAtTheTimeout_NamingThePairAndLikelyCauses()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, ("MyBroker1", "MyBroker2")).DeliveryDelay = TimeSpan.Zero;

        var verifying = Verifier().VerifyAsync(Request(plan), CancellationToken.None);
        await EventuallyAsync(() => _probe.Waiting == 1 && Unsubscribed == 1, "one pair delivered and the other waits");
        _clock.Advance(Timeout - TimeSpan.FromTicks(1));
        await Task.Delay(50);
        Assert.False(verifying.IsCompleted, "the pair must get its whole timeout");
        _clock.Advance(TimeSpan.FromTicks(1));
        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => verifying);

        var failure = Assert.Single(error.Failures);
        Assert.Equal(("MyBroker2", "MyBroker1", PairStage.Receive), (failure.Sender, failure.Receiver, failure.FailedAt));
        Assert.Null(failure.Latency);
        Assert.StartsWith("Bridge verification of network \"tutorial\" failed for 1 of 2 connected pair(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("- MyBroker2 → MyBroker1: the message sent on MyBroker2 did not arrive on MyBroker1 within 30 s (path MyBroker2 → MyBroker1)",
            error.Message, StringComparison.Ordinal);
        foreach (var cause in new[] { "connector on the path (MyBroker2 ↔ MyBroker1) is missing", "not applied", "rebooted", "ingress", "61617",
                     "password differs", "not running" })
        {
            Assert.Contains(cause, error.Message, StringComparison.Ordinal);
        }
        Assert.Contains("Delivered: MyBroker1 → MyBroker2 (0 ms).", error.Message, StringComparison.Ordinal);
        Assert.Contains($"unsubscribe MyBroker1 {failure.Queue}", _probe.Log);
        Assert.Equal(0, _probe.OpenConnections);
    }

    [Fact]
    public async Task MessageLaterThanTheTimeout_Fails()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).DeliveryDelay = Timeout;

        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => Verifier(concurrency: 1).VerifyAsync(Request(plan), CancellationToken.None));

        Assert.Equal(2, error.Failures.Count);
        Assert.All(error.Failures, f => Assert.Equal(PairStage.Receive, f.FailedAt));
    }

    [Fact]
    public async Task MultiHopPath_IsNamedHopByHop()
    {
        var plan = Repo.Plan("hub-and-spoke");
        Network(plan, [.. AllRoutes(plan).Where(r => r != ("Spoke1", "Spoke2"))]);

        var verifying = Verifier(concurrency: 20).VerifyAsync(Request(plan), CancellationToken.None);
        await EventuallyAsync(() => _probe.Waiting == 1 && Unsubscribed == plan.Brokers.Count - 1, "only Spoke2, for Spoke1's message, waits");
        _clock.Advance(Timeout);
        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => verifying);

        Assert.Equal("Spoke1 → Spoke2", Assert.Single(error.Failures).Name);
        Assert.Contains("(path Spoke1 → Hub → Spoke2)", error.Message, StringComparison.Ordinal);
        Assert.Contains("connector on the path (Spoke1 ↔ Hub, Hub ↔ Spoke2)", error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Report.Pairs.Count);
    }

    [Fact]
    public async Task PasswordDiffersOnOneBroker_FailsFastNamingTheUser_NeverAPassword()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).Brokers["MyBroker2"].Password = "Other-Password-99";

        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => Verifier().VerifyAsync(Request(plan), CancellationToken.None));

        Assert.Equal(
            [("MyBroker1 → MyBroker2", PairStage.ConnectReceiver), ("MyBroker2 → MyBroker1", PairStage.ConnectSender)],
            error.Failures.Select(f => (f.Name, f.FailedAt!.Value)));
        Assert.Contains("connecting to MyBroker2 failed: broker MyBroker2: stomp+ssl://mybroker2-1.mq.example:61614 refused the connection of user \"myCommonUser\"",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("user \"myCommonUser\" does not exist on MyBroker2, or its password there differs from the common password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Other-Password-99", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Report.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, Request(plan).ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, error.Report.Elapsed); // no time passed: nothing waited for the timeout
    }

    [Fact]
    public async Task StoppedBroker_FailsFastWithNotRunning()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).Brokers["MyBroker2"].Running = false;

        var error = await Assert.ThrowsAsync<BridgeVerificationFailedException>(() => Verifier().VerifyAsync(Request(plan), CancellationToken.None));

        Assert.Equal([PairStage.ConnectReceiver, PairStage.ConnectSender], error.Failures.Select(f => f.FailedAt!.Value));
        Assert.Contains("connecting to MyBroker2 failed: no STOMP endpoint of broker MyBroker2 accepted a connection", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionRefused. Likely causes: MyBroker2 is not running or is rebooting", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _probe.OpenConnections);
    }

    [Fact]
    public async Task SilentBroker_ItsSharedConnectionTimesOutOnce_EveryPairOfItFailsWithoutWaitingAgain()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).Brokers["MyBroker2"].Silent = true;

        // One receiver at a time: MyBroker2's check opens the connection that times out; MyBroker1's check then needs
        // MyBroker2 as its sender and gets the same timeout at once, not a cancellation and not another wait.
        var verifying = Verifier(concurrency: 1).CheckAsync(Request(plan), CancellationToken.None);
        await EventuallyAsync(() => _probe.Log.Contains("connect MyBroker2: no answer"), "MyBroker2 is being connected to");
        _clock.Advance(Timeout);
        var report = await verifying.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([PairStage.ConnectReceiver, PairStage.ConnectSender], report.Pairs.Select(p => p.FailedAt!.Value));
        Assert.Contains("connecting to MyBroker2 failed: connecting to broker MyBroker2 did not finish within 30 s", report.Pairs[1].Error, StringComparison.Ordinal);
        Assert.Equal(1, _probe.Log.Count(l => l.StartsWith("connect MyBroker2", StringComparison.Ordinal)));
        Assert.Equal(Timeout, report.Elapsed);
    }

    [Fact]
    public async Task SharedConnectionLostBetweenReceivers_IsReplaced_AndLaterPairsSucceed()
    {
        var plan = Repo.Plan("tutorial");
        // One receiver at a time; the first receiver's sender loses its connection right after sending to it, and that
        // connection is what the second receiver's check would use to subscribe.
        var first = plan.ConnectedPairs[0];
        Network(plan, AllRoutes(plan)).Brokers[first.Sender].LoseConnectionAfterSends = 1;

        var report = await Verifier(concurrency: 1).CheckAsync(Request(plan), CancellationToken.None);

        Assert.True(report.Succeeded, string.Join("; ", report.Pairs.Select(p => p.Error)));
        Assert.Equal(2, _probe.Log.Count(l => l.StartsWith($"connect {first.Sender} at", StringComparison.Ordinal)));
        Assert.DoesNotContain(_probe.Log, l => l.StartsWith("lost", StringComparison.Ordinal));
        Assert.Equal(0, _probe.OpenConnections); // the lost one is closed too
    }

    [Fact]
    public async Task SharedConnectionLostAgainAfterItWasReplaced_IsNotReplacedTwice_ThePairsOnItFailNamingTheLoss()
    {
        var plan = Repo.Plan("hub-and-spoke");
        Network(plan, AllRoutes(plan)).Brokers["Hub"].LoseConnectionAfterSends = 1;

        var report = await Verifier(concurrency: 1).CheckAsync(Request(plan), CancellationToken.None);

        Assert.Equal(2, _probe.Log.Count(l => l.StartsWith("connect Hub at", StringComparison.Ordinal)));
        var failed = report.Pairs.Where(p => !p.Succeeded).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, p => Assert.Contains("the connection was lost", p.Error, StringComparison.Ordinal));
        Assert.All(failed, p => Assert.True(p.Sender == "Hub" || p.Receiver == "Hub", $"{p.Sender} -> {p.Receiver} does not involve the hub"));
        Assert.Equal(0, _probe.OpenConnections);
    }

    [Fact]
    public async Task ActiveStandbyBroker_TheAnsweringInstanceIsUsedAndReported()
    {
        var plan = Repo.Plan("active-standby");
        Network(plan, AllRoutes(plan)).Brokers["MyBroker2"].ActiveInstance = 1;

        var report = await Verifier().VerifyAsync(Request(plan), CancellationToken.None);

        Assert.Equal(2, Repo.StompEndpoints(plan)["MyBroker2"].Count);
        Assert.Equal("stomp+ssl://mybroker2-2.mq.example:61614", report.Pairs.Single(p => p.Receiver == "MyBroker2").ReceiverEndpoint);
        Assert.Equal("stomp+ssl://mybroker2-2.mq.example:61614", report.Pairs.Single(p => p.Sender == "MyBroker2").SenderEndpoint);
    }

    [Fact]
    public async Task ManyReceivers_NoMoreThanMaxConcurrencyAtOnce()
    {
        var plan = Repo.Plan("mesh");
        Network(plan).DeliveryDelay = TimeSpan.Zero; // nothing delivers: every receiver waits for the whole timeout
        var receivers = plan.ConnectedPairs.Select(p => p.Receiver).Distinct().Count();

        var verifying = Verifier(concurrency: 3).CheckAsync(Request(plan), CancellationToken.None);
        var rounds = 0;
        for (var remaining = receivers; remaining > 0; remaining = receivers - Unsubscribed)
        {
            var expected = Math.Min(3, remaining);
            await EventuallyAsync(() => _probe.Waiting == expected, $"{expected} receivers wait");
            await Task.Delay(20);
            Assert.Equal(expected, _probe.Waiting); // no further receiver starts while the gate is full
            var before = Unsubscribed;
            _clock.Advance(Timeout);
            await EventuallyAsync(() => Unsubscribed == before + expected, "the round's receivers give up");
            rounds++;
        }
        var report = await verifying;

        Assert.Equal(12, report.Pairs.Count);
        Assert.All(report.Pairs, p => Assert.Equal(PairStage.Receive, p.FailedAt));
        Assert.Equal((4, 2), (receivers, rounds));
        Assert.Equal(plan.Brokers.Count, _probe.MaxOpenConnections); // one per broker, shared by its pairs
        Assert.Equal(plan.Brokers.Count, _probe.Log.Count(l => l.StartsWith("connect", StringComparison.Ordinal)));
        Assert.Equal(0, _probe.OpenConnections);
        Assert.Equal(TimeSpan.FromSeconds(60), report.Elapsed); // 2 rounds
    }

    [Fact]
    public async Task Mesh_EachReceiverSubscribesOnceForAllItsSenders()
    {
        var plan = Repo.Plan("mesh");
        Network(plan, AllRoutes(plan));

        var report = await Verifier().VerifyAsync(Request(plan), CancellationToken.None);

        // 12 pairs, 4 receivers: 4 subscriptions (so 4 consumers' demand crosses the bridges, not 12) and 12 messages.
        Assert.Equal(12, report.Pairs.Count);
        Assert.Equal(4, _probe.Log.Count(l => l.StartsWith("subscribe", StringComparison.Ordinal)));
        Assert.Equal(12, _probe.Sent.Count);
        Assert.All(report.Pairs.GroupBy(p => p.Receiver), g => Assert.Single(g.Select(p => p.Queue).Distinct()));
        Assert.Equal(4, report.Pairs.Select(p => p.Queue).Distinct().Count());
        // Each message names its pair, so a receiver tells its senders apart.
        Assert.Equal(12, _probe.Sent.Select(s => s.Message.Body).Distinct().Count());
        Assert.All(report.Pairs, p => Assert.Contains(_probe.Sent, s => s.Queue == p.Queue && s.Broker == p.Sender && s.Message.Body.Contains($"{p.Sender} -> {p.Receiver}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SomeoneElsesMessageOnTheQueue_IsSkipped()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).Strays.Add("not ours");

        var report = await Verifier().VerifyAsync(Request(plan), CancellationToken.None);

        Assert.True(report.Succeeded);
    }

    [Fact]
    public async Task CleanupFailure_DoesNotChangeTheVerdict()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan, AllRoutes(plan)).FailUnsubscribe = true;

        var report = await Verifier().VerifyAsync(Request(plan), CancellationToken.None);

        Assert.True(report.Succeeded);
        Assert.Equal(0, _probe.OpenConnections);
    }

    [Fact]
    public async Task CallerCancels_OperationCanceled_NotAVerdict()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan);
        using var cancel = new CancellationTokenSource();

        var verifying = Verifier().VerifyAsync(Request(plan), cancel.Token);
        await EventuallyAsync(() => _probe.Waiting == 2, "both pairs wait");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verifying);
        Assert.Equal(0, _probe.OpenConnections);
    }

    [Fact]
    public async Task NoPairs_NothingToProve()
    {
        var request = new BridgeVerificationRequest("solo", [], new Dictionary<string, IReadOnlyList<string>>(), "u", new Secret(Password));

        var report = await Verifier().VerifyAsync(request, CancellationToken.None);

        Assert.True(report.Succeeded);
        Assert.Empty(report.Pairs);
    }

    [Fact]
    public async Task BrokerWithoutOrWithTooManyEndpoints_IsAnInvalidRequest()
    {
        var plan = Repo.Plan("tutorial");
        Network(plan);
        var endpoints = Repo.StompEndpoints(plan).ToDictionary();

        endpoints.Remove("MyBroker2");
        var missing = await Assert.ThrowsAsync<ArgumentException>(() =>
            Verifier().VerifyAsync(BridgeVerificationRequest.For(plan, endpoints, "u", new Secret(Password)), CancellationToken.None));
        endpoints["MyBroker2"] = ["stomp+ssl://a:61614", "stomp+ssl://b:61614", "stomp+ssl://c:61614"];
        var tooMany = await Assert.ThrowsAsync<ArgumentException>(() =>
            Verifier().VerifyAsync(BridgeVerificationRequest.For(plan, endpoints, "u", new Secret(Password)), CancellationToken.None));

        Assert.Contains("MyBroker2", missing.Message, StringComparison.Ordinal);
        Assert.Contains("3 STOMP endpoint(s)", tooMany.Message, StringComparison.Ordinal);
        Assert.Empty(_probe.Log);
    }

    [Fact]
    public void Options_FromTheSpecsVerificationSection()
    {
        var options = BridgeVerificationOptions.For(new VerificationSpec(true, 45, 100));

        Assert.Equal(TimeSpan.FromSeconds(45), options.Timeout);
        Assert.Equal(100, options.MaxConcurrency);
        Assert.Equal(41, BridgeVerificationOptions.For(new VerificationSpec(true, 45)).MaxConcurrency); // every receiver of the largest network at once
        Assert.Equal("nob.verify.net.B.0000000000000000000000000000000a", BridgeVerifier.QueueName("net", "B", Guid.Parse("00000000-0000-0000-0000-00000000000a")));
    }

    [Fact]
    public void FailedException_LargestNetworkMostlyFailed_MessageNamesAFewPairsAndFitsTheStateLimit()
    {
        var brokers = Enumerable.Range(1, 41).Select(i => $"Mesh{i:00}").ToList();
        var causes = new string('c', 400);
        var pairs = (from s in brokers from r in brokers where s != r select (s, r))
            .Select((p, i) => new PairVerification(p.s, p.r, [p.s, p.r], $"nob.verify.net.{p.r}.x", i % 3 == 0, i % 3 == 0 ? TimeSpan.FromMilliseconds(12) : null,
                i % 3 == 0 ? null : PairStage.Receive, i % 3 == 0 ? null : "the message did not arrive", i % 3 == 0 ? null : causes, null, null))
            .ToList();

        var e = new BridgeVerificationFailedException(new BridgeVerificationReport("net", pairs, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)));

        Assert.Equal(1640, e.Report.Pairs.Count);
        Assert.Contains($"failed for {pairs.Count(p => !p.Succeeded)} of 1640", e.Message, StringComparison.Ordinal);
        Assert.Contains($"and {pairs.Count(p => !p.Succeeded) - BridgeVerificationFailedException.MaxPairsNamed} more failed pair(s)", e.Message, StringComparison.Ordinal);
        Assert.Equal(BridgeVerificationFailedException.MaxPairsNamed, e.Message.Split('\n').Count(l => l.StartsWith("- Mesh", StringComparison.Ordinal)));
        Assert.InRange(e.Message.Length, 1, 32 * 1024);
    }
}
