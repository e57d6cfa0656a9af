namespace Nob.Core.Workflow;

// The build's two wait stages. Each is one loop of the state machine that checks every broker of the stage in one
// invocation per turn, so a turn costs the execution's history a fixed handful of events whatever the number of
// brokers (Step Functions fails an execution past 25,000 events; a Map of per-broker loops passes that for a
// 41-broker mesh whose brokers are late). Each broker keeps its own schedule, bound and errors (BrokerStateStep);
// the loop sleeps until the earliest broker wants its next check.

/// <summary>
/// One turn of the wait for the brokers EnsureBrokers created or adopted: <see cref="Brokers"/> as ensured,
/// <see cref="Waits"/> where each broker's wait stands (none on the first turn), <see cref="Recreated"/> the answers of
/// EnsureBroker for brokers the last turn sent back to it (<see cref="CreationStageStatus.Recreate"/>).
/// </summary>
public sealed record CreationStage(IReadOnlyList<EnsuredBroker> Brokers, PollPlan Polling, IReadOnlyList<BrokerWaitStatus>? Waits = null,
    IReadOnlyList<EnsuredBroker>? Recreated = null);

/// <summary>
/// What a turn saw. <see cref="Ready"/>: every broker is RUNNING; <see cref="Recreate"/>: brokers that failed to create
/// (or whose deletion for recreation finished) and go back to EnsureBroker; otherwise the loop sleeps
/// <see cref="NextWaitSeconds"/>. <see cref="Brokers"/> are the brokers as ensured, recreations included.
/// </summary>
public sealed record CreationStageStatus(IReadOnlyList<EnsuredBroker> Brokers, PollPlan Polling, IReadOnlyList<BrokerWaitStatus> Waits, bool Ready,
    int NextWaitSeconds, IReadOnlyList<BrokerToRecreate> Recreate, IReadOnlyList<EnsuredBroker> Recreated);

/// <summary>A broker the creation stage sends back to EnsureBroker, with where its replacement stands.</summary>
public sealed record BrokerToRecreate(string BrokerName, BrokerRecreation Recreation);

/// <summary>One turn of the reboot stage: the revisions WriteRevisions wrote, at most <see cref="Concurrency"/> reboots under way at once (0: all).</summary>
public sealed record RebootStage(IReadOnlyList<RevisionResult> Revisions, PollPlan Polling, int Concurrency, IReadOnlyList<BrokerWaitStatus>? Waits = null);

/// <summary>The reboots started so far and where each stands; <see cref="Pending"/> brokers still wait for a free slot.</summary>
public sealed record RebootStageStatus(IReadOnlyList<BrokerWaitStatus> Waits, bool Ready, int NextWaitSeconds, int Pending);

/// <summary>
/// A turn of the creation stage: checks every broker not yet RUNNING, all at once, from one ListBrokers that lingers
/// (<see cref="StageListing"/>; <see cref="BrokerStateStep"/> decides each broker: the same schedule, timeout, recreation
/// and errors as a broker's own loop; the first broker's error in spec order fails the turn).
/// </summary>
public sealed class CreationStageStep(IBrokerService brokers, TimeProvider time)
{
    public async Task<CreationStageStatus> RunAsync(CreationStage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var recreated = (stage.Recreated ?? []).ToDictionary(r => r.BrokerName, StringComparer.Ordinal);
        var ensured = stage.Brokers.Select(b => recreated.GetValueOrDefault(b.BrokerName) ?? b).ToList();
        var previous = (stage.Waits ?? []).Where(w => !recreated.ContainsKey(w.BrokerName)).ToDictionary(w => w.BrokerName, StringComparer.Ordinal);
        var check = new BrokerStateStep(brokers, time);
        var waits = ensured.Select(b => previous.TryGetValue(b.BrokerName, out var w)
            ? w.Ready ? null : StageTurns.Next(w)
            : new BrokerWait(b.BrokerName, b.BrokerId, b.Phase, 0, stage.Polling, Recreation: b.Recreation ?? BrokerRecreation.None)).ToList();
        // A deletion for recreation is checked on its own (it waits for the broker to vanish); the rest from one listing.
        var deletions = waits.Select(w => w is { Phase: WaitPhases.DeletionForRecreate } ? check.RunAsync(w, cancellationToken) : null).ToList();
        var listedWaits = waits.Where(w => w is not null && w.Phase != WaitPhases.DeletionForRecreate).Cast<BrokerWait>().ToList();
        var listed = listedWaits.Count == 0 ? new Dictionary<string, string>() : await new StageListing(brokers, time).ListAsync(listedWaits, stage.Polling, cancellationToken);
        var statuses = await Task.WhenAll(waits.Select((w, i) => w is null ? Task.FromResult(previous[ensured[i].BrokerName])
            : deletions[i] ?? check.RunAsync(w, listed.GetValueOrDefault(w.BrokerId), cancellationToken)));
        var recreate = statuses.Where(s => s.Phase == WaitPhases.Recreate).Select(s => new BrokerToRecreate(s.BrokerName, s.Recreation ?? BrokerRecreation.None)).ToList();
        var waiting = statuses.Where(s => !s.Ready).ToList();
        return new CreationStageStatus(ensured, stage.Polling, statuses, waiting.Count == 0, StageTurns.NextWait(waiting), recreate, []);
    }
}

/// <summary>
/// A turn of the reboot stage: checks the reboots an earlier turn started (never one started in this turn: a Wait lies
/// between a reboot and its first check), then starts reboots for brokers with a pending change while fewer than
/// <see cref="RebootStage.Concurrency"/> are under way (<see cref="RebootBrokerStep"/>), in spec order.
/// </summary>
public sealed class RebootStageStep(IBrokerService brokers, TimeProvider time)
{
    public async Task<RebootStageStatus> RunAsync(RebootStage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var previous = (stage.Waits ?? []).ToDictionary(w => w.BrokerName, StringComparer.Ordinal);
        var due = stage.Revisions.Where(r => r.RebootRequired).ToList();
        var check = new BrokerStateStep(brokers, time);
        var underWay = due.Where(r => previous.ContainsKey(r.BrokerName)).Select(r => previous[r.BrokerName]).ToList();
        var waits = underWay.Where(w => !w.Ready).Select(StageTurns.Next).ToList();
        // One listing serves the checks and the reboots this turn starts (a broker listed RUNNING reboots without a describe).
        var listed = due.Count == 0 ? new Dictionary<string, string>() : await new StageListing(brokers, time).ListAsync(waits, stage.Polling, cancellationToken);
        var statuses = (await Task.WhenAll(underWay.Select(w => w.Ready ? Task.FromResult(w) : check.RunAsync(StageTurns.Next(w), listed.GetValueOrDefault(w.BrokerId), cancellationToken))))
            .ToDictionary(s => s.BrokerName, StringComparer.Ordinal);
        var free = stage.Concurrency <= 0 ? int.MaxValue : stage.Concurrency - statuses.Values.Count(s => !s.Ready);
        var start = due.Where(r => !statuses.ContainsKey(r.BrokerName)).Take(Math.Max(0, free)).ToList();
        var reboot = new RebootBrokerStep(brokers, time);
        foreach (var started in await Task.WhenAll(start.Select(r => reboot.RunAsync(r, stage.Polling, listed.GetValueOrDefault(r.BrokerId), cancellationToken))))
            statuses[started.BrokerName] = started;
        var ordered = due.Where(r => statuses.ContainsKey(r.BrokerName)).Select(r => statuses[r.BrokerName]).ToList();
        var waiting = ordered.Where(s => !s.Ready).ToList();
        var pending = due.Count - ordered.Count;
        return new RebootStageStatus(ordered, waiting.Count == 0 && pending == 0, StageTurns.NextWait(waiting), pending);
    }
}

static class StageTurns
{
    /// <summary>A broker's last answer as the input of its next check.</summary>
    public static BrokerWait Next(BrokerWaitStatus s) =>
        new(s.BrokerName, s.BrokerId, s.Phase, s.Poll, s.Polling, s.Since, s.ExpectedConfiguration, s.Recreation, s.WaitStarted);

    /// <summary>Until the earliest broker still waiting wants its next check (0 when none waits).</summary>
    public static int NextWait(IReadOnlyCollection<BrokerWaitStatus> waiting) => waiting.Count == 0 ? 0 : waiting.Min(s => s.NextWaitSeconds);
}
