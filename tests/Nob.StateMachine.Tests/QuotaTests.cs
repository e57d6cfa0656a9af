using System.Text;
using System.Text.Json.Nodes;

namespace Nob.StateMachine.Tests;

/// <summary>
/// Step Functions' quotas at the largest network a spec allows (a 41-broker mesh), its brokers late (25 minutes to
/// create against the 15 expected, 10 to reboot against 5): the build of template.yaml's state machine, its real
/// handlers over the fakes, every wait and every handler on one virtual clock on which the fake brokers settle. The
/// runner enforces both quotas (history, payload); the tests also measure the margin.
/// </summary>
public class QuotaTests
{
    static readonly TimeSpan CreationTakes = TimeSpan.FromMinutes(25), RebootTakes = TimeSpan.FromMinutes(10);

    readonly ManualClock clock = ManualClock.AutoAdvancing();
    readonly LocalNob nob;
    readonly FakeBrokerService mq;
    readonly List<HistoryEvent> events = [];
    readonly ITestOutputHelper log;

    public QuotaTests(ITestOutputHelper log)
    {
        this.log = log;
        // The handlers read the same virtual clock as the waits, so each check sees the broker as Amazon MQ would then
        // (settled by that clock, not by a count of describes).
        nob = new LocalNob(log, "mesh") { HandlerClock = clock };
        mq = nob.Mq;
        (mq.SettleAfterDescribes, mq.SettleClock, mq.CreationTakes, mq.RebootTakes) = (null, clock, CreationTakes, RebootTakes);
    }

    LocalStateMachine Machine(string logicalId) => nob.Machine(logicalId, e =>
    {
        lock (events) events.Add(e);
    }, clock);

    /// <summary>The mesh example with 41 brokers. Verification off: the loopback probe's timeouts would run on the virtual clock.</summary>
    static string LargestMesh()
    {
        var spec = JsonNode.Parse(Repo.Example("mesh"))!;
        spec["brokers"] = new JsonArray([.. Enumerable.Range(1, Core.Specs.SpecReader.MaxBrokersPerNetwork).Select(i => (JsonNode)new JsonObject { ["name"] = $"Mesh{i}" })]);
        spec["verification"] = new JsonObject { ["enabled"] = false };
        return spec.ToJsonString();
    }

    static int LargestPayload(ExecutionResult result) =>
        result.History.Max(e => Math.Max(Encoding.UTF8.GetByteCount(e.Input ?? ""), Encoding.UTF8.GetByteCount(e.Output ?? "")));

    [Fact]
    public async Task Build_LargestMeshWithLateBrokers_StaysWithinTheHistoryAndPayloadQuotas()
    {
        var start = clock.GetUtcNow();
        var result = await Machine("BuildNetworkStateMachine").ExecuteAsync(LargestMesh());
        var largest = LargestPayload(result);
        log.WriteLine($"{result.Status} after {(clock.GetUtcNow() - start).TotalMinutes:0.0} virtual minutes: {result.History.Count} history events, " +
            $"{result.StateTransitions} state transitions, largest state {largest} bytes");
        Assert.True(result.IsSucceeded, result.Explain());

        // History: far below the 25,000-event quota (a Map of per-broker wait loops needed about 25,900 here).
        Assert.True(result.History.Count < LocalStateMachine.HistoryEventLimit / 5, $"{result.History.Count} events");
        // Payload: every state input and output, task parameters and result (what the history records) under 256 KiB,
        // with room to spare.
        Assert.True(largest < LocalStateMachine.PayloadLimitBytes * 3 / 4, $"{largest} bytes");

        // Every creation starts at once: all 41 CreateBroker calls before the first wait.
        var firstWait = result.History.First(e => e.Type == "WaitStateEntered");
        Assert.Equal(41, result.History.Count(e => e.Type == "TaskSucceeded" && e.StateName == "EnsureBroker" && e.Id < firstWait.Id));
        Assert.Equal(41, mq.Calls.Count(c => c.StartsWith("CreateBroker ", StringComparison.Ordinal)));
        // ... and every reboot at once: the network is new, so one wave.
        var firstRebootTurn = JsonNode.Parse(result.History.First(e => e.Type == "TaskSucceeded" && e.StateName == "RebootBrokers").Output!)!["Payload"]!;
        Assert.Equal((41, 0), (firstRebootTurn["waits"]!.AsArray().Count, (int)firstRebootTurn["pending"]!));

        // The brokers are seen soon after they are ready: the build ends within a few minutes of creation + reboot.
        var took = result.StopDate - result.StartDate;
        Assert.InRange(took, CreationTakes + RebootTakes, CreationTakes + RebootTakes + TimeSpan.FromMinutes(5));
        Assert.Equal(41, JsonNode.Parse(result.Output!)!["brokers"]!.AsArray().Count);
        Assert.Equal(result.History, events);

        // The benchmark's AWS model counts this very history and these transitions from the stages' turns.
        int Turns(string state) => result.History.Count(e => e.Type == "TaskStateEntered" && e.StateName == state);
        var (creationTurns, rebootTurns) = (Turns("CheckBrokers"), Turns("RebootBrokers"));
        log.WriteLine($"{creationTurns} creation turns, {rebootTurns} reboot turns, {result.Retries} retries");
        Assert.Equal(Nob.Cli.Bench.BenchMath.HistoryEvents(41, creationTurns, rebootTurns, result.Retries), result.History.Count);
        Assert.Equal(Nob.Cli.Bench.BenchMath.Transitions(41, creationTurns, rebootTurns, result.Retries), result.StateTransitions);
    }

    [Fact]
    public async Task Build_LargestMeshAsALiveNetwork_RebootsInWavesWithinTheQuotas()
    {
        // A second build after the spec's connectors changed: brokers adopted (a live network), so 10 reboots at a time.
        var machine = Machine("BuildNetworkStateMachine");
        Assert.True((await machine.ExecuteAsync(LargestMesh())).IsSucceeded);
        var spec = JsonNode.Parse(LargestMesh())!;
        spec["topology"] = new JsonObject { ["type"] = "hub-and-spoke", ["hub"] = "Mesh1" };
        events.Clear();
        var result = await machine.ExecuteAsync(spec.ToJsonString());
        log.WriteLine($"{result.Status}: {result.History.Count} history events, {result.StateTransitions} state transitions, largest state {LargestPayload(result)} bytes");
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.True(result.History.Count < LocalStateMachine.HistoryEventLimit / 5, $"{result.History.Count} events");
        var turns = result.History.Where(e => e.Type == "TaskSucceeded" && e.StateName == "RebootBrokers")
            .Select(e => JsonNode.Parse(e.Output!)!["Payload"]!["waits"]!.AsArray().Count(w => !(bool)w!["ready"]!)).ToList();
        Assert.Equal(RebootConcurrency.LiveNetwork, turns.Max());
        // Every broker rebooted (each loses or changes connectors), in waves of 10: five reboot times at least.
        Assert.All(mq.Brokers.Values, b => Assert.Equal(2, b.Reboots));
        Assert.True(result.StopDate - result.StartDate >= 5 * RebootTakes, $"{result.StopDate - result.StartDate}");
    }
}
