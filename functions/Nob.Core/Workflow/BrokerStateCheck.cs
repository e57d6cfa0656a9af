namespace Nob.Core.Workflow;

/// <summary>
/// One broker's check in a wait stage's turn (<see cref="CreationStageStep"/>, <see cref="RebootStageStep"/>): RUNNING continues, creating or rebooting waits (after lingering, if the plan
/// says so), the rest fail by name. The answer says how long this broker wants before its next check.
/// </summary>
public sealed class BrokerStateCheck(IBrokerService brokers, TimeProvider time)
{
    public Task<BrokerWaitStatus> RunAsync(BrokerWait wait, CancellationToken cancellationToken) => RunAsync(wait, listed: null, cancellationToken);

    /// <param name="listed">
    /// The broker's state in the ListBrokers a stage turn made for all its brokers (<see cref="StageListing"/>, which
    /// lingered), or null: then this check describes the broker and lingers on its own. A listed state that decides alone
    /// (still creating or rebooting, or a creation RUNNING) answers without a call; any other state, or none, is decided
    /// on one DescribeBroker, as a check of its own would be.
    /// </param>
    internal async Task<BrokerWaitStatus> RunAsync(BrokerWait wait, string? listed, CancellationToken cancellationToken)
    {
        var plan = wait.Polling;
        // An unknown phase fails before any call; deletion is teardown's, not a wait for RUNNING.
        if (wait.Phase == WaitPhases.DeletionForRecreate) return await DeletionForRecreateAsync(wait, cancellationToken);
        if (wait.Phase is not (WaitPhases.Creation or WaitPhases.Reboot))
            throw new ArgumentOutOfRangeException(nameof(wait), wait.Phase, "a wait for RUNNING is for creation or reboot");
        var poll = wait.Poll + 1;
        var broker = listed is { } state && DecidedByState(wait, state)
            ? StateOnly(wait, state)
            : await brokers.DescribeBrokerAsync(wait.BrokerId, cancellationToken);
        // A creation is timed from the broker's own creation while it is still being created (an adopted broker may have
        // been creating for a while); any other wait from now. Never from the future (clock skew).
        var now = time.GetUtcNow();
        var since = wait.Since ?? (wait.Phase == WaitPhases.Creation && broker.BrokerState == BrokerStates.CreationInProgress ? broker.Created : null) ?? now;
        if (since > now) since = now;
        // The timeout counts from the later of the phase's start and this loop's first check: the schedule knows how long
        // an adopted broker has been creating, but a rerun still waits its own polling.timeoutMinutes for it.
        // (A later check that carries no WaitStarted, from a loop an earlier version started, counts from Since as before.)
        var waitStarted = wait.WaitStarted ?? wait.Since ?? now;
        if (waitStarted > now) waitStarted = now;
        var timedFrom = since > waitStarted ? since : waitStarted;

        // Lingering: further checks inside this invocation, as far apart as the plan's rate allows, until the linger ends.
        var lingerInterval = TimeSpan.FromMilliseconds(plan.LingerIntervalMilliseconds);
        var lingerUntil = now + TimeSpan.FromSeconds(listed is null ? plan.LingerSeconds : 0);
        while (!RecreationDue(wait, broker) && !IsReady(wait.BrokerName, broker) && time.GetUtcNow() + lingerInterval <= lingerUntil)
        {
            await Task.Delay(lingerInterval, time, cancellationToken);
            broker = await brokers.DescribeBrokerAsync(wait.BrokerId, cancellationToken);
        }

        var checkedAt = time.GetUtcNow();
        var elapsed = checkedAt - since;
        var waited = checkedAt - timedFrom;
        if (RecreationDue(wait, broker))
            return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, WaitPhases.Recreate, broker.BrokerState, false, poll, plan, since, plan.MinWaitSeconds, Recreation: wait.Recreation);
        if (IsReady(wait.BrokerName, broker))
        {
            // After nob's reboot the broker must run the revision nob set, not one someone else set meanwhile.
            if (wait.ExpectedConfiguration is { } expected && broker.CurrentConfiguration != expected)
                throw new BrokerRevisionMismatchException(wait.BrokerName, expected, broker.CurrentConfiguration);
            return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, wait.Phase, broker.BrokerState, true, poll, plan, since, 0, wait.ExpectedConfiguration, wait.Recreation, waitStarted);
        }
        if (poll >= plan.MaxPolls || waited.TotalSeconds >= plan.TimeoutSeconds)
            throw new BrokerWaitTimedOutException(wait.BrokerName, broker.BrokerState, poll, waited);
        return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, wait.Phase, broker.BrokerState, false, poll, plan, since,
            plan.NextWaitSeconds(wait.Phase, elapsed, TimeSpan.FromSeconds(plan.TimeoutSeconds) - waited), wait.ExpectedConfiguration, wait.Recreation, waitStarted);
    }

    /// <summary>
    /// Whether a listed state decides the check alone: still creating (once the creation's start is known) or rebooting,
    /// and RUNNING when no revision must be checked (a creation). Anything else needs the described broker.
    /// </summary>
    static bool DecidedByState(BrokerWait wait, string state) =>
        StageListing.StillWaiting(wait.Phase, state) ? wait.Since is not null || wait.Phase != WaitPhases.Creation
        : state == BrokerStates.Running && wait.ExpectedConfiguration is null;

    /// <summary>A listed state as the check's broker: the state, nothing more (what <see cref="DecidedByState"/> allows reads nothing else).</summary>
    static BrokerDescription StateOnly(BrokerWait wait, string state) =>
        new(wait.BrokerId, wait.BrokerName, "", state, "", "", "", false, [], [], null, null, [], [], new Dictionary<string, string>());

    /// <summary>
    /// The build's creation loop (it carries a recreation): a CREATION_FAILED broker goes back to EnsureBroker (phase
    /// <see cref="WaitPhases.Recreate"/>), which replaces it if it is nob's, until <see cref="BrokerRecreation.MaxRecreations"/>.
    /// </summary>
    static bool RecreationDue(BrokerWait wait, BrokerDescription broker)
    {
        if (wait.Recreation is not { } recreation || wait.Phase != WaitPhases.Creation || broker.BrokerState != BrokerStates.CreationFailed) return false;
        if (recreation.Count >= BrokerRecreation.MaxRecreations) throw new BrokerCreationFailedException(wait.BrokerName, broker.BrokerId, recreation.Count);
        return true;
    }

    /// <summary>
    /// After EnsureBroker deleted a failed broker of nob's: wait (bounded by polling.timeoutMinutes) until it is gone, then
    /// answer <see cref="WaitPhases.Recreate"/> so the loop creates it again.
    /// </summary>
    async Task<BrokerWaitStatus> DeletionForRecreateAsync(BrokerWait wait, CancellationToken cancellationToken)
    {
        var plan = wait.Polling;
        var poll = wait.Poll + 1;
        var now = time.GetUtcNow();
        var since = wait.Since is { } s && s <= now ? s : now;
        async Task<string?> StateAsync()
        {
            try
            {
                return (await brokers.DescribeBrokerAsync(wait.BrokerId, cancellationToken)).BrokerState;
            }
            catch (BrokerMissingException)
            {
                return null; // deleted
            }
        }

        var state = await StateAsync();
        var lingerInterval = TimeSpan.FromMilliseconds(plan.LingerIntervalMilliseconds);
        var lingerUntil = now + TimeSpan.FromSeconds(plan.LingerSeconds);
        while (state is not null && time.GetUtcNow() + lingerInterval <= lingerUntil)
        {
            CheckDeleting(wait.BrokerName, state);
            await Task.Delay(lingerInterval, time, cancellationToken);
            state = await StateAsync();
        }
        if (state is null)
            return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, WaitPhases.Recreate, "DELETED", false, poll, plan, since, plan.MinWaitSeconds, Recreation: wait.Recreation);
        CheckDeleting(wait.BrokerName, state);
        var elapsed = time.GetUtcNow() - since;
        if (poll >= plan.MaxPolls || elapsed.TotalSeconds >= plan.TimeoutSeconds)
            throw new BrokerWaitTimedOutException(wait.BrokerName, state, poll, elapsed);
        return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, wait.Phase, state, false, poll, plan, since,
            plan.NextWaitSeconds(wait.Phase, elapsed), Recreation: wait.Recreation);
    }

    /// <summary>Being deleted, or (just after the call) still CREATION_FAILED: wait; anything else is not the broker nob deleted.</summary>
    static void CheckDeleting(string brokerName, string state)
    {
        if (state is not (BrokerStates.DeletionInProgress or BrokerStates.CreationFailed))
            throw new BrokerNotUsableException(brokerName, $"it is {state} while nob waited for its deletion, to create it again");
    }

    /// <summary>RUNNING: true; creating or rebooting: false; any other state fails the wait by name.</summary>
    static bool IsReady(string brokerName, BrokerDescription broker) => broker.BrokerState switch
    {
        BrokerStates.Running => true,
        BrokerStates.CreationInProgress or BrokerStates.RebootInProgress => false,
        BrokerStates.CreationFailed => throw new BrokerCreationFailedException(brokerName, broker.BrokerId),
        BrokerStates.CriticalActionRequired => throw new BrokerNotUsableException(brokerName,
            $"CRITICAL_ACTION_REQUIRED ({(broker.ActionsRequired.Count == 0 ? "no action code given" : string.Join(", ", broker.ActionsRequired))})"),
        BrokerStates.DeletionInProgress => throw new BrokerNotUsableException(brokerName, "it is being deleted"),
        BrokerStates.Replica => throw new BrokerNotUsableException(brokerName, "it is a cross-region replica (REPLICA), which cannot own network connectors"),
        _ => throw new BrokerNotUsableException(brokerName, $"unknown state {broker.BrokerState}"),
    };
}
