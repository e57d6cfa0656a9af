namespace Nob.Core.Workflow;

/// <summary>
/// Reboots a broker that has a pending change for the reboot stage (<see cref="RebootStageStep"/>), which checks it from its next turn; the loop
/// carries the revision nob set, which the broker must run once RUNNING again (<see cref="BrokerRevisionMismatchException"/>).
/// </summary>
public sealed class BrokerReboot(IBrokerService brokers, TimeProvider time)
{
    public Task<BrokerWaitStatus> RunAsync(RevisionResult revision, PollPlan polling, CancellationToken cancellationToken) =>
        RunAsync(revision, polling, listed: null, cancellationToken);

    /// <param name="listed">The broker's state in the stage's ListBrokers of this turn, if it was listed: RUNNING reboots
    /// without describing it first; anything else is decided on a DescribeBroker.</param>
    public async Task<BrokerWaitStatus> RunAsync(RevisionResult revision, PollPlan polling, string? listed, CancellationToken cancellationToken)
    {
        var state = listed == BrokerStates.Running ? listed : (await brokers.DescribeBrokerAsync(revision.BrokerId, cancellationToken)).BrokerState;
        if (state == BrokerStates.Running)
        {
            await brokers.RebootBrokerAsync(revision.BrokerId, cancellationToken);
        }
        else if (state != BrokerStates.RebootInProgress)
        {
            throw new BrokerNotUsableException(revision.BrokerName, $"it is {state}; a broker reboots only when RUNNING");
        }
        var now = time.GetUtcNow();
        return new BrokerWaitStatus(revision.BrokerName, revision.BrokerId, WaitPhases.Reboot, BrokerStates.RebootInProgress, false, 0, polling,
            now, polling.NextWaitSeconds(WaitPhases.Reboot, TimeSpan.Zero), new ConfigurationRef(revision.ConfigurationId, revision.Revision), WaitStarted: now);
    }
}
