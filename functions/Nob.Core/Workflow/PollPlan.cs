using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// What a wait loop waits for: a new broker to be created or a broker to come back from a reboot (the build's
/// wait-for-RUNNING loops), or a broker to be deleted (teardown's loops only).
/// </summary>
public static class WaitPhases
{
    public const string Creation = "creation";
    public const string Reboot = "reboot";
    public const string Deletion = "deletion";

    /// <summary>The build deleted a broker that nob created and that failed to create; the loop waits until it is gone.</summary>
    public const string DeletionForRecreate = "deletion-for-recreate";

    /// <summary>Only in a check's answer: the broker failed to create (or its deletion for recreation finished), so the
    /// build's loop goes back to EnsureBroker, which deletes it or creates it again (<see cref="BrokerRecreation"/>).</summary>
    public const string Recreate = "recreate";
}

/// <summary>
/// The schedule of the wait-for-RUNNING loops, worked out once by Validate from the spec's <c>polling</c> and the number of
/// brokers, and carried through the state. A fixed tick is either late (30 s against a 15-minute creation) or wasteful,
/// so checks crowd around the time a broker is expected to be ready: one long wait to half the expected time, then waits
/// halving towards it (<see cref="NextWaitSeconds"/>), then waits growing with how overdue it is, never longer than
/// <see cref="MaxWaitSeconds"/>. No wait is shorter than <see cref="MinWaitSeconds"/>, which keeps every loop of a build
/// together within the spec's DescribeBroker rate. A check may also keep polling inside its own invocation for up to
/// <see cref="LingerSeconds"/> (Step Functions' Wait takes whole seconds; locally a broker starts in one or two).
/// </summary>
/// <param name="MaxPolls">A hard bound on checks per loop besides the timeout on the clock (a loop ends even if the clock misleads it;
/// checks are at least MinWaitSeconds apart, so in practice the timeout comes first).</param>
public sealed record PollPlan(
    int ExpectedCreationSeconds,
    int ExpectedRebootSeconds,
    int MinWaitSeconds,
    int MaxWaitSeconds,
    int TimeoutSeconds,
    int MaxPolls,
    int LingerSeconds,
    int LingerIntervalMilliseconds,
    int ExpectedDeletionSeconds = SpecReader.DefaultExpectedDeletionSeconds)
{
    /// <summary>Past the expected time, a wait is this share of how overdue the broker is: a late broker is seen at most that much later.</summary>
    public const double OverdueFraction = 0.25;

    /// <summary>Lingering checks are never closer than this, whatever the rate allows.</summary>
    public const int MinLingerIntervalMilliseconds = 100;

    /// <param name="brokers">How many brokers the build waits for; all of them may wait at once.</param>
    public static PollPlan For(PollingSpec polling, int brokers)
    {
        ArgumentNullException.ThrowIfNull(polling);
        var waiters = Math.Max(1, brokers);
        // The rate wins over intervalSeconds: a throttled DescribeBroker costs more than a late one.
        var minWait = Math.Max(1, (int)Math.Ceiling((double)waiters / polling.MaxRequestsPerSecond));
        var lingerInterval = Math.Max(MinLingerIntervalMilliseconds, (int)Math.Ceiling(1000.0 * waiters / polling.MaxRequestsPerSecond));
        var timeout = polling.TimeoutMinutes * 60;
        // Every check but the first is at least minWait after the one before; the slack covers the first and a late clock.
        return new PollPlan(polling.ExpectedCreationSeconds, polling.ExpectedRebootSeconds, minWait, Math.Max(minWait, polling.IntervalSeconds),
            timeout, timeout / minWait + 2, polling.LingerSeconds, lingerInterval, polling.ExpectedDeletionSeconds);
    }

    public int ExpectedSeconds(string phase) => phase switch
    {
        WaitPhases.Creation => ExpectedCreationSeconds,
        WaitPhases.Reboot => ExpectedRebootSeconds,
        WaitPhases.Deletion or WaitPhases.DeletionForRecreate => ExpectedDeletionSeconds,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "a wait is for creation, reboot or deletion"),
    };

    /// <summary>
    /// Whole seconds to wait before the next check of a broker that has been in <paramref name="phase"/> for
    /// <paramref name="elapsed"/>: until half the expected time E, wait for it; then half the time left to E (but not
    /// above <see cref="MaxWaitSeconds"/>); past E, <see cref="OverdueFraction"/> of how overdue it is, up to
    /// <see cref="MaxWaitSeconds"/>; never below <see cref="MinWaitSeconds"/>, never far past the timeout.
    /// </summary>
    /// <param name="remaining">What is left of the loop's timeout when the loop is not timed from the phase's start (a
    /// teardown times out from its first turn, while a creation phase counts from the broker's creation); by default
    /// the timeout less <paramref name="elapsed"/>.</param>
    public int NextWaitSeconds(string phase, TimeSpan elapsed, TimeSpan? remaining = null)
    {
        double expected = ExpectedSeconds(phase);
        var e = Math.Max(0, elapsed.TotalSeconds);
        var wait = e < expected / 2 ? expected / 2 - e
            : e < expected ? Math.Min((expected - e) / 2, MaxWaitSeconds)
            : Math.Min(OverdueFraction * (e - expected), MaxWaitSeconds);
        wait = Math.Min(wait, remaining?.TotalSeconds ?? TimeoutSeconds - e);
        return Math.Max(MinWaitSeconds, (int)Math.Ceiling(wait));
    }
}
