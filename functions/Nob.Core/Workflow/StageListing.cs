namespace Nob.Core.Workflow;

/// <summary>
/// Where a stage's brokers stand, from ListBrokers: one listing (one call per page of 100 brokers) tells a turn the state of
/// every broker at once, where a check per broker costs a DescribeBroker each. While some broker is still creating or
/// rebooting, the turn lingers (up to the plan's <see cref="PollPlan.LingerSeconds"/>) and lists again as often as a
/// per-broker check would have described it (<see cref="PollPlan.LingerIntervalMilliseconds"/>; after a long wait less
/// often, <see cref="Interval"/>); it stops as soon as no broker is still waiting or one is in a state the turn must act on. Each
/// broker is then decided by <see cref="BrokerStateCheck"/>, which describes only a broker whose listed state needs more
/// (running after a reboot, whose revision it checks; failed; missing from the list).
/// </summary>
public sealed class StageListing(IBrokerService brokers, TimeProvider time)
{
    /// <summary>Broker ID → state, as last listed.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListAsync(IReadOnlyCollection<BrokerWait> waits, PollPlan plan, CancellationToken cancellationToken)
    {
        var states = await ListOnceAsync(cancellationToken);
        var start = time.GetUtcNow();
        var lingerUntil = start + TimeSpan.FromSeconds(plan.LingerSeconds);
        // The stage's wait began when its earliest broker began to create or reboot (a first turn: now).
        var waitingSince = waits.Select(w => w.Since).OfType<DateTimeOffset>().Where(s => s <= start).DefaultIfEmpty(start).Min();
        var interval = Interval(plan, start - waitingSince);
        while (Lingers(waits, states) && time.GetUtcNow() + interval <= lingerUntil)
        {
            await Task.Delay(interval, time, cancellationToken);
            states = await ListOnceAsync(cancellationToken);
            interval = Interval(plan, time.GetUtcNow() - waitingSince);
        }
        return states;
    }

    /// <summary>A listing is at most this share of the stage's wait so far after the one before, once that is longer than the plan's interval.</summary>
    public const double WaitedFraction = 1.0 / 16;

    /// <summary>
    /// The plan's interval, or <see cref="WaitedFraction"/> of how long the stage has waited if that is longer: brokers
    /// that take long to start (a loaded machine) cost listings that grow with the log of the wait, not with the wait,
    /// and each is seen at most that share of its wait late.
    /// </summary>
    public static TimeSpan Interval(PollPlan plan, TimeSpan waited) =>
        TimeSpan.FromMilliseconds(Math.Max(plan.LingerIntervalMilliseconds, Math.Ceiling(WaitedFraction * Math.Max(0, waited.TotalMilliseconds))));

    /// <summary>Creating while waiting for a creation, rebooting while waiting for a reboot.</summary>
    public static bool StillWaiting(string phase, string state) =>
        (phase, state) is (WaitPhases.Creation, BrokerStates.CreationInProgress) or (WaitPhases.Reboot, BrokerStates.RebootInProgress);

    /// <summary>Some broker is still waiting, and none is in a state to act on now (failed, being deleted, …: RUNNING and missing ones can wait).</summary>
    static bool Lingers(IReadOnlyCollection<BrokerWait> waits, IReadOnlyDictionary<string, string> states)
    {
        var waiting = false;
        foreach (var w in waits)
        {
            if (!states.TryGetValue(w.BrokerId, out var state) || state == BrokerStates.Running) continue;
            if (!StillWaiting(w.Phase, state)) return false;
            waiting = true;
        }
        return waiting;
    }

    async Task<IReadOnlyDictionary<string, string>> ListOnceAsync(CancellationToken cancellationToken)
    {
        var listed = await brokers.ListBrokersAsync(cancellationToken);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var b in listed) states[b.BrokerId] = b.BrokerState;
        return states;
    }
}
