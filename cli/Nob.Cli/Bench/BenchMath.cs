using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Cli.Bench;

/// <summary>A broker state change as the local endpoint recorded it.</summary>
public sealed record StateChange(DateTimeOffset Time, string Broker, string State);

/// <summary>A broker's start (CREATION_IN_PROGRESS → RUNNING) or reboot (REBOOT_IN_PROGRESS → RUNNING).</summary>
public sealed record BrokerPhase(string Broker, string Kind, DateTimeOffset Began, DateTimeOffset Ended)
{
    public const string Start = "start";
    public const string Reboot = "reboot";

    public TimeSpan Duration => Ended - Began;
}

/// <summary>A least-squares line y = Slope·x + Intercept, and how well it fits (R², 1 = exactly).</summary>
public sealed record LinearFit(double Slope, double Intercept, double RSquared);

/// <summary>The pure computations of <c>nob bench</c>: floor, ratio, cost, linear fit, and the transition model of the ASL.</summary>
public static class BenchMath
{
    /// <summary>Step Functions Standard: $0.025 per 1,000 state transitions (free tier left out).</summary>
    public const decimal DollarsPerTransition = 0.025m / 1000m;

    /// <summary>
    /// Each broker's starts and reboots that ended RUNNING, from the endpoint's state changes (any order). A phase that
    /// ended otherwise (CREATION_FAILED, CRITICAL_ACTION_REQUIRED) or never ended is left out.
    /// </summary>
    public static IReadOnlyList<BrokerPhase> Phases(IEnumerable<StateChange> changes)
    {
        var phases = new List<BrokerPhase>();
        foreach (var broker in changes.GroupBy(c => c.Broker, StringComparer.Ordinal))
        {
            StateChange? open = null;
            foreach (var change in broker.OrderBy(c => c.Time))
            {
                if (change.State is "CREATION_IN_PROGRESS" or "REBOOT_IN_PROGRESS")
                {
                    open = change;
                    continue;
                }
                if (open is not null && change.State == "RUNNING")
                    phases.Add(new BrokerPhase(broker.Key, open.State == "CREATION_IN_PROGRESS" ? BrokerPhase.Start : BrokerPhase.Reboot, open.Time, change.Time));
                open = null;
            }
        }
        return [.. phases.OrderBy(p => p.Began).ThenBy(p => p.Broker, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The floor of a build: the slowest broker's start plus the slowest reboot. No workflow can do better: connectors
    /// need every target's endpoints (known once it runs), and a revision applies only through a reboot.
    /// </summary>
    public static TimeSpan Floor(IEnumerable<BrokerPhase> phases)
    {
        var list = phases.ToList();
        return Slowest(list, BrokerPhase.Start) + Slowest(list, BrokerPhase.Reboot);
    }

    /// <summary>The longest phase of a kind (zero when there is none).</summary>
    public static TimeSpan Slowest(IEnumerable<BrokerPhase> phases, string kind) =>
        phases.Where(p => p.Kind == kind).Select(p => p.Duration).DefaultIfEmpty(TimeSpan.Zero).Max();

    /// <summary>total / floor; null without a floor.</summary>
    public static double? Ratio(TimeSpan total, TimeSpan floor) => floor > TimeSpan.Zero ? total / floor : null;

    /// <summary>What Step Functions Standard bills for that many state transitions.</summary>
    public static decimal StepFunctionsCost(long transitions) => transitions * DollarsPerTransition;

    /// <summary>
    /// How long, within [from, to], at least one broker was starting or rebooting: the union of the phases. The rest of
    /// the window is time spent waiting on nothing but the workflow itself.
    /// </summary>
    public static TimeSpan BusyTime(IEnumerable<BrokerPhase> phases, DateTimeOffset from, DateTimeOffset to)
    {
        var busy = TimeSpan.Zero;
        DateTimeOffset? start = null, end = null;
        foreach (var p in phases.Select(p => (Began: Max(p.Began, from), Ended: Min(p.Ended, to))).Where(p => p.Ended > p.Began).OrderBy(p => p.Began))
        {
            if (end is { } e && p.Began <= e)
            {
                if (p.Ended > e) end = p.Ended;
                continue;
            }
            if (start is { } s && end is { } f) busy += f - s;
            (start, end) = (p.Began, p.Ended);
        }
        if (start is { } s2 && end is { } f2) busy += f2 - s2;
        return busy;
    }

    /// <summary>Least squares over the points (at least two distinct x).</summary>
    public static LinearFit Fit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Select(p => p.X).Distinct().Count() < 2) throw new ArgumentException("a line needs at least two distinct x", nameof(points));
        var n = points.Count;
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var syy = points.Sum(p => (p.Y - my) * (p.Y - my));
        var slope = sxy / sxx;
        var intercept = my - slope * mx;
        var residual = points.Sum(p => Math.Pow(p.Y - (slope * p.X + intercept), 2));
        return new LinearFit(slope, intercept, syy == 0 ? 1 : 1 - residual / syy);
    }

    /// <summary>
    /// The state transitions statemachine/build-network.asl.json bills for a successful execution on the slow path, from
    /// how often each broker's wait loops checked. Top level: Start, Validate, CheckConverged, Converged?, EnsureBrokers,
    /// PlanNetwork, OpenIngress, WriteRevisions, Verify, StoreNetwork, Summarize, Succeeded (12). Per broker in EnsureBrokers: EnsureBroker,
    /// StartWaitForCreation, then CreationCheck + CreationRunning? per check and a CreationWait before each check after the
    /// first, BrokerReady (5 + 3·(checks − 1)). Per broker in WriteRevisions: WriteConnectorRevision, RebootNeeded?,
    /// RevisionApplied (3), plus for a rebooted broker RebootBroker and RebootWait + RebootCheck + RebootRunning? per check
    /// (1 + 3·checks). Retries add one each.
    /// </summary>
    public static int Transitions(IReadOnlyList<int> creationChecks, IReadOnlyList<int> rebootChecks, int retries = 0)
    {
        if (creationChecks.Any(k => k < 1)) throw new ArgumentException("every broker is checked at least once", nameof(creationChecks));
        if (rebootChecks.Count > creationChecks.Count || rebootChecks.Any(m => m < 1))
            throw new ArgumentException("one entry per rebooted broker, each checked at least once", nameof(rebootChecks));
        return 10 + FastPathCheck + creationChecks.Sum(k => 5 + 3 * (k - 1)) + 3 * creationChecks.Count + rebootChecks.Sum(m => 1 + 3 * m) + retries;
    }

    /// <summary>CheckConverged and Converged?: what the converged fast path costs an execution that then takes the slow path.</summary>
    public const int FastPathCheck = 2;

    /// <summary>
    /// A converged re-run takes the fast path whatever the size: Start, Validate, CheckConverged, Converged?,
    /// UseConvergedState, Verify, StoreNetwork, Summarize, Succeeded.
    /// </summary>
    public static int ConvergedTransitions(int brokers) => brokers < 1 ? throw new ArgumentOutOfRangeException(nameof(brokers)) : 9;

    /// <summary>
    /// How a wait loop that follows <paramref name="plan"/> (without lingering) goes for a broker ready after
    /// <paramref name="ready"/>: how many checks it makes and when it sees the broker RUNNING. A creation loop checks at
    /// once, then after each wait the check asks for; a reboot loop first waits as long as RebootBroker says.
    /// </summary>
    public static (int Checks, TimeSpan SeenAt) WaitLoop(PollPlan plan, string phase, TimeSpan ready)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var t = phase == WaitPhases.Creation ? 0 : plan.NextWaitSeconds(phase, TimeSpan.Zero);
        for (var checks = 1; checks <= plan.MaxPolls; checks++)
        {
            if (TimeSpan.FromSeconds(t) >= ready) return (checks, TimeSpan.FromSeconds(t));
            t += plan.NextWaitSeconds(phase, TimeSpan.FromSeconds(t));
        }
        throw new ArgumentOutOfRangeException(nameof(ready), ready, "the loop times out before the broker is ready");
    }

    /// <summary>
    /// The AWS-side estimate of a build from the same model: brokers created in parallel (ready after
    /// <paramref name="create"/>), <paramref name="rebooted"/> of them rebooted in parallel (after <paramref name="reboot"/>),
    /// their wait loops following the <see cref="PollPlan"/> Validate makes of <paramref name="polling"/> (so each sees its
    /// broker when the schedule's check does), plus <paramref name="steps"/> for the tasks themselves (Lambda time,
    /// verification). A Map's MaxConcurrency (<paramref name="createConcurrency"/>, <paramref name="rebootConcurrency"/>;
    /// 0 = unbounded) runs its iterations in waves, each a whole wait. The floor has no waves.
    /// </summary>
    public static AwsEstimate EstimateAws(int brokers, int rebooted, TimeSpan create, TimeSpan reboot, PollingSpec polling, TimeSpan steps,
        int createConcurrency = 0, int rebootConcurrency = 0)
    {
        var plan = PollPlan.For(polling, brokers) with { LingerSeconds = 0 };
        var (k, seenCreated) = WaitLoop(plan, WaitPhases.Creation, create);
        var (m, seenRebooted) = WaitLoop(plan, WaitPhases.Reboot, reboot);
        var transitions = Transitions([.. Enumerable.Repeat(k, brokers)], [.. Enumerable.Repeat(m, rebooted)]);
        var floor = create + (rebooted > 0 ? reboot : TimeSpan.Zero);
        var wall = Waves(brokers, createConcurrency) * seenCreated + Waves(rebooted, rebootConcurrency) * seenRebooted + steps;
        return new AwsEstimate(floor, wall, transitions, StepFunctionsCost(transitions), k, m);
    }

    /// <summary>How many rounds a Map with that MaxConcurrency (0 = unbounded) needs for that many iterations.</summary>
    public static int Waves(int items, int maxConcurrency) => items == 0 ? 0 : maxConcurrency <= 0 ? 1 : (items + maxConcurrency - 1) / maxConcurrency;

    /// <summary>The middle value (the mean of the two middle ones for an even count); robust to a busy machine's outliers.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(values));
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>The model's AWS numbers for one build: floor, expected wall time, transitions, their cost, checks per wait loop.</summary>
public sealed record AwsEstimate(TimeSpan Floor, TimeSpan Wall, int Transitions, decimal Cost, int CreationChecks, int RebootChecks)
{
    public double Ratio => Wall / Floor;
}
