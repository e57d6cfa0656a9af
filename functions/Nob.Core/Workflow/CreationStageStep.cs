namespace Nob.Core.Workflow;

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
/// (<see cref="StageListing"/>; <see cref="BrokerStateCheck"/> decides each broker: the same schedule, timeout, recreation
/// and errors as a broker's own loop; the first broker's error in spec order fails the turn).
/// </summary>
public sealed class CreationStageStep(IBrokerService brokers, TimeProvider time)
{
    public async Task<CreationStageStatus> RunAsync(CreationStage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        // A broker's wait (and its timeout) starts with the turn that first sees it, before the listing lingers.
        var turnStarted = time.GetUtcNow();
        var recreated = (stage.Recreated ?? []).ToDictionary(r => r.BrokerName, StringComparer.Ordinal);
        var ensured = stage.Brokers.Select(b => recreated.GetValueOrDefault(b.BrokerName) ?? b).ToList();
        var previous = (stage.Waits ?? []).Where(w => !recreated.ContainsKey(w.BrokerName)).ToDictionary(w => w.BrokerName, StringComparer.Ordinal);
        var check = new BrokerStateCheck(brokers, time);
        var waits = ensured.Select(b => previous.TryGetValue(b.BrokerName, out var w)
            ? w.Ready ? null : StageTurns.Next(w)
            : new BrokerWait(b.BrokerName, b.BrokerId, b.Phase, 0, stage.Polling, Recreation: b.Recreation ?? BrokerRecreation.None, WaitStarted: turnStarted)).ToList();
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
