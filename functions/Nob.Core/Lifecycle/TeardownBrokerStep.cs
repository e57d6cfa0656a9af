using Nob.Core.Configuration;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>
/// One turn of a broker's teardown loop (the ASL repeats it with a Wait until <see cref="BrokerTeardownStatus.Done"/>).
/// A broker nob created for this network (tagged) is deleted once it can be; an adopted broker is never deleted, only
/// unwired: a revision without this network's connectors, applied by a reboot. Each turn looks afresh, so a retried or
/// restarted teardown continues where the last one stopped.
/// </summary>
public sealed class TeardownBrokerStep(IBrokerService brokers, INetworkStore store, TimeProvider time)
{
    public async Task<BrokerTeardownStatus> RunAsync(BrokerTeardown turn, CancellationToken cancellationToken)
    {
        var plan = turn.Polling;
        var poll = turn.Poll + 1;
        var now = time.GetUtcNow();
        var started = turn.Started is { } s && s <= now ? s : now;
        BrokerTeardownStatus Done(string? id, string? state, string action, string outcome) =>
            new(turn.NetworkName, turn.BrokerName, poll, plan, started, id, state, action, outcome, true, null, null, 0);

        // Not done: the broker waits for a phase (deletion, creation, reboot) that began at phaseStart if known (this turn's
        // own action, a broker's creation time), else when an earlier turn saw it begin; a phase found under way with no
        // known start counts as half over, so the next check is neither a full half-expected wait late nor too eager.
        BrokerTeardownStatus Waiting(string id, string state, string action, string outcome, string phase, DateTimeOffset? phaseStart = null)
        {
            ThrowIfOutOfTime(state);
            var since = phaseStart
                ?? (turn.Phase == phase ? turn.Since : null)
                ?? now - TimeSpan.FromSeconds(plan.ExpectedSeconds(phase) / 2.0);
            if (since > now) since = now;
            // The loop's timeout counts from its first turn, not from the phase's start (a creation counts from the broker's).
            var remaining = TimeSpan.FromSeconds(plan.TimeoutSeconds) - (now - started);
            return new(turn.NetworkName, turn.BrokerName, poll, plan, started, id, state, action, outcome, false, phase, since,
                plan.NextWaitSeconds(phase, now - since, remaining));
        }

        // Checked before acting too: a last turn that started a deletion or reboot and then reported a timeout would leave
        // it running behind a failed teardown.
        void ThrowIfOutOfTime(string state)
        {
            var waited = now - started;
            if (poll >= plan.MaxPolls || waited.TotalSeconds >= plan.TimeoutSeconds)
                throw new TeardownTimedOutException(turn.BrokerName, state, poll, waited);
        }

        // Gone after an earlier turn saw it (the deletion this teardown started has finished, perhaps between listing and
        // describing it): say so, not "absent".
        if (await new BrokerDescriptions(brokers).FindExistingAsync(turn.BrokerName, cancellationToken) is not { } broker)
            return Done(null, null, TeardownActions.None, turn.Poll == 0 ? "absent" : "deleted");
        var (id, state) = (broker.BrokerId, broker.BrokerState);

        // A broker nob created for this network that another stored network uses now is that network's too: unwire it only.
        if (BrokerTags.CreatedFor(broker, turn.NetworkName) && await UsedByAnotherNetworkAsync(turn, cancellationToken) is null)
        {
            switch (state)
            {
                case BrokerStates.Running or BrokerStates.CreationFailed:
                    ThrowIfOutOfTime(state);
                    await brokers.DeleteBrokerAsync(id, cancellationToken);
                    return Waiting(id, state, TeardownActions.Delete, "deleting", WaitPhases.Deletion, now);
                case BrokerStates.DeletionInProgress:
                    return Waiting(id, state, TeardownActions.None, "deleting", WaitPhases.Deletion);
                case BrokerStates.CreationInProgress:
                    // Amazon MQ refuses to delete a broker that is being created or rebooted.
                    return Waiting(id, state, TeardownActions.None, "waiting for RUNNING to delete", WaitPhases.Creation, broker.Created);
                case BrokerStates.RebootInProgress:
                    return Waiting(id, state, TeardownActions.None, "waiting for RUNNING to delete", WaitPhases.Reboot);
                default:
                    throw new BrokerNotUsableException(turn.BrokerName, $"it is {state}; teardown deletes a broker only when RUNNING or CREATION_FAILED");
            }
        }

        switch (state)
        {
            case BrokerStates.RebootInProgress:
                return Waiting(id, state, TeardownActions.None, "waiting for the reboot", WaitPhases.Reboot);
            case BrokerStates.Running:
                break;
            default:
                throw new BrokerNotUsableException(turn.BrokerName, $"it is {state}; an adopted broker is unwired only when RUNNING");
        }

        var current = broker.CurrentConfiguration ?? throw new BrokerNotUsableException(turn.BrokerName, "it reports no configuration");
        var latest = broker.PendingConfiguration ?? current;
        var latestXml = await brokers.GetConfigurationRevisionXmlAsync(latest.Id, latest.Revision, cancellationToken);
        var unwired = ConnectorConfigurationWriter.Write(turn.BrokerName, latestXml, turn.NetworkName, []);
        if (unwired.Changed)
        {
            ThrowIfOutOfTime(state);
            // As a build's write, a compare-and-swap on the newest revision: an edit saved meanwhile is kept.
            await new ConfigurationRevisionWriter(brokers).WriteAsync(turn.BrokerName, broker,
                xml => ConnectorConfigurationWriter.Write(turn.BrokerName, xml, turn.NetworkName, []),
                $"nob {turn.NetworkName}: network connectors removed (teardown)", cancellationToken);
            await brokers.RebootBrokerAsync(id, cancellationToken);
            return Waiting(id, state, TeardownActions.Unwire, "removing connectors", WaitPhases.Reboot, now);
        }
        if (latest != current)
        {
            // The pending revision is already clean; reboot only if the running one still has our connectors.
            var currentXml = await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, cancellationToken);
            if (ConnectorConfigurationWriter.Write(turn.BrokerName, currentXml, turn.NetworkName, []).Changed)
            {
                ThrowIfOutOfTime(state);
                await brokers.RebootBrokerAsync(id, cancellationToken);
                return Waiting(id, state, TeardownActions.Unwire, "removing connectors", WaitPhases.Reboot, now);
            }
        }
        // On the first turn nothing was removed by this teardown: the broker never had (or no longer had) our connectors.
        return Done(id, state, TeardownActions.None, turn.Poll == 0 ? "untouched" : "connectors removed");
    }

    /// <summary>The first other stored network whose spec names this broker, or null.</summary>
    async Task<string?> UsedByAnotherNetworkAsync(BrokerTeardown turn, CancellationToken cancellationToken)
    {
        foreach (var other in await store.ListNetworkNamesAsync(cancellationToken))
        {
            if (other == turn.NetworkName || await store.GetAsync(other, cancellationToken) is not { } record) continue;
            if (record.Brokers.Any(b => b.BrokerName == turn.BrokerName)) return other;
        }
        return null;
    }
}
