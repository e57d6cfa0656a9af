namespace Nob.Core.Workflow;

/// <summary>
/// A turn of the reboot stage: checks the reboots an earlier turn started (never one started in this turn: a Wait lies
/// between a reboot and its first check), then starts reboots for brokers with a pending change while fewer than
/// <see cref="RebootStage.Concurrency"/> are under way (<see cref="BrokerReboot"/>), in spec order.
/// </summary>
public sealed class RebootStageStep(IBrokerService brokers, TimeProvider time)
{
    public async Task<RebootStageStatus> RunAsync(RebootStage stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var previous = (stage.Waits ?? []).ToDictionary(w => w.BrokerName, StringComparer.Ordinal);
        var due = stage.Revisions.Where(r => r.RebootRequired).ToList();
        var check = new BrokerStateCheck(brokers, time);
        var underWay = due.Where(r => previous.ContainsKey(r.BrokerName)).Select(r => previous[r.BrokerName]).ToList();
        var waits = underWay.Where(w => !w.Ready).Select(StageTurns.Next).ToList();
        // One listing serves the checks and the reboots this turn starts (a broker listed RUNNING reboots without a describe).
        var listed = due.Count == 0 ? new Dictionary<string, string>() : await new StageListing(brokers, time).ListAsync(waits, stage.Polling, cancellationToken);
        var statuses = (await Task.WhenAll(underWay.Select(w => w.Ready ? Task.FromResult(w) : check.RunAsync(StageTurns.Next(w), listed.GetValueOrDefault(w.BrokerId), cancellationToken))))
            .ToDictionary(s => s.BrokerName, StringComparer.Ordinal);
        var free = stage.Concurrency <= 0 ? int.MaxValue : stage.Concurrency - statuses.Values.Count(s => !s.Ready);
        var start = due.Where(r => !statuses.ContainsKey(r.BrokerName)).Take(Math.Max(0, free)).ToList();
        var reboot = new BrokerReboot(brokers, time);
        foreach (var started in await Task.WhenAll(start.Select(r => reboot.RunAsync(r, stage.Polling, listed.GetValueOrDefault(r.BrokerId), cancellationToken))))
            statuses[started.BrokerName] = started;
        var ordered = due.Where(r => statuses.ContainsKey(r.BrokerName)).Select(r => statuses[r.BrokerName]).ToList();
        var waiting = ordered.Where(s => !s.Ready).ToList();
        var pending = due.Count - ordered.Count;
        return new RebootStageStatus(ordered, waiting.Count == 0 && pending == 0, StageTurns.NextWait(waiting), pending);
    }
}
