namespace Nob.Core.Workflow;

/// <summary>
/// Reboot a broker that has a pending change, then hand over to the wait loop, whose Wait state sleeps first; the loop
/// carries the revision nob set, which the broker must run once RUNNING again (<see cref="BrokerRevisionMismatchException"/>).
/// </summary>
public sealed class RebootBrokerStep(IBrokerService brokers, TimeProvider time)
{
    public async Task<BrokerWaitStatus> RunAsync(RevisionResult revision, PollPlan polling, CancellationToken cancellationToken)
    {
        var broker = await brokers.DescribeBrokerAsync(revision.BrokerId, cancellationToken);
        if (broker.BrokerState == BrokerStates.Running)
        {
            await brokers.RebootBrokerAsync(revision.BrokerId, cancellationToken);
        }
        else if (broker.BrokerState != BrokerStates.RebootInProgress)
        {
            throw new BrokerNotUsableException(revision.BrokerName, $"it is {broker.BrokerState}; a broker reboots only when RUNNING");
        }
        var now = time.GetUtcNow();
        return new BrokerWaitStatus(revision.BrokerName, revision.BrokerId, WaitPhases.Reboot, BrokerStates.RebootInProgress, false, 0, polling,
            now, polling.NextWaitSeconds(WaitPhases.Reboot, TimeSpan.Zero), new ConfigurationRef(revision.ConfigurationId, revision.Revision), WaitStarted: now);
    }
}
