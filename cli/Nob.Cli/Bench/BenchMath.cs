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
                if (change.State is BrokerStates.CreationInProgress or BrokerStates.RebootInProgress)
                {
                    open = change;
                    continue;
                }
                if (open is not null && change.State == BrokerStates.Running)
                    phases.Add(new BrokerPhase(broker.Key, open.State == BrokerStates.CreationInProgress ? BrokerPhase.Start : BrokerPhase.Reboot, open.Time, change.Time));
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
    /// States a slow-path build of statemachine/build-network.asl.json enters once whatever its size: Start, Validate,
    /// AcquireLock, CheckConverged, Converged?, EnsureBrokers, StartWaitForBrokers, BrokersReady, PlanNetwork, OpenIngress,
    /// WriteRevisions, StartReboots, RevisionsApplied, Verify, StoreNetwork, Summarize, ReleaseLock, Succeeded.
    /// </summary>
    public const int BuildFixedTransitions = 18;

    /// <summary>
    /// The state transitions a successful slow-path build bills: <see cref="BuildFixedTransitions"/>, per broker
    /// EnsureBroker and WriteConnectorRevision (2), per turn of the creation stage CheckBrokers and BrokersRunning? with a
    /// WaitForBrokers between turns (3·turns − 1), likewise the reboot stage (RebootBrokers, RebootsDone?, WaitForReboots;
    /// its first turn starts the reboots, so a build without reboots has one turn). Retries add one each.
    /// </summary>
    public static int Transitions(int brokers, int creationTurns, int rebootTurns, int retries = 0)
    {
        if (brokers < 1 || creationTurns < 1 || rebootTurns < 1) throw new ArgumentException("a build has brokers and at least one turn of each stage");
        return BuildFixedTransitions + 2 * brokers + (3 * creationTurns - 1) + (3 * rebootTurns - 1) + retries;
    }

    /// <summary>
    /// The events of the same build's history (what Step Functions caps at 25,000): a Pass, Choice, Wait or Succeed state
    /// records 2 (entered, exited), a lambda:invoke Task 5 (entered, scheduled, started, succeeded, exited), a Map 4 plus 7
    /// per iteration of one Task, the execution 2 (started, succeeded). Fixed: 69; per broker 14 (the two Maps); per turn
    /// of either stage 7 (Task, Choice) plus 2 per Wait between turns (9·turns − 2). Each retry adds 3 (failed, scheduled, started).
    /// </summary>
    public static int HistoryEvents(int brokers, int creationTurns, int rebootTurns, int retries = 0)
    {
        if (brokers < 1 || creationTurns < 1 || rebootTurns < 1) throw new ArgumentException("a build has brokers and at least one turn of each stage");
        return 69 + 14 * brokers + (9 * creationTurns - 2) + (9 * rebootTurns - 2) + 3 * retries;
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
    /// The AWS-side estimate of a build from the same model: brokers created at once (ready after
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
        var rebootWaves = Waves(rebooted, rebootConcurrency);
        // The creation stage's turns are the creation loop's checks; the reboot stage's first turn reboots the first wave,
        // each later wave starts in the turn that sees the one before RUNNING.
        var creationTurns = Waves(brokers, createConcurrency) * k;
        var rebootTurns = 1 + rebootWaves * m;
        var transitions = Transitions(brokers, creationTurns, rebootTurns);
        var floor = create + (rebooted > 0 ? reboot : TimeSpan.Zero);
        var wall = Waves(brokers, createConcurrency) * seenCreated + rebootWaves * seenRebooted + steps;
        return new AwsEstimate(floor, wall, transitions, StepFunctionsCost(transitions), k, m, HistoryEvents(brokers, creationTurns, rebootTurns))
        {
            CreationWaves = Waves(brokers, createConcurrency),
        };
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
/// <param name="HistoryEvents">The events of the execution's history (Step Functions' quota: 25,000).</param>
public sealed record AwsEstimate(TimeSpan Floor, TimeSpan Wall, int Transitions, decimal Cost, int CreationChecks, int RebootChecks, int HistoryEvents = 0)
{
    /// <summary>How many rounds EnsureBrokers' Map needs for every creation (1: every broker's creation starts at once).</summary>
    public int CreationWaves { get; init; } = 1;

    /// <summary>Step Functions' quota on one execution's history.</summary>
    public const int HistoryEventsQuota = 25_000;

    public double Ratio => Wall / Floor;
}
