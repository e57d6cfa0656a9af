using Nob.Core.Planning;

namespace Nob.Core.Workflow;

// What the steps pass each other through the state machine's state. Nothing here may hold a secret:
// Step Functions keeps execution history for 90 days.

/// <summary>Output of Validate: what the state machine needs to fan out and the schedule of its wait loops.</summary>
public sealed record ValidatedNetwork(string NetworkName, IReadOnlyList<string> Brokers, PollPlan Polling, bool VerificationEnabled);

/// <param name="Phase">What the build's loop waits for next: <see cref="WaitPhases.Creation"/>, or
/// <see cref="WaitPhases.DeletionForRecreate"/> after EnsureBroker deleted a broker of nob's that failed to create.</param>
/// <param name="Recreation">How often this build has replaced the broker so far (null outside a build's EnsureBrokers).</param>
public sealed record EnsuredBroker(string BrokerName, string BrokerId, bool Created, string Phase = WaitPhases.Creation, BrokerRecreation? Recreation = null);

/// <summary>
/// One turn of a wait-for-RUNNING loop. <see cref="Poll"/> counts up to the plan's MaxPolls; <see cref="Since"/> is when
/// the broker entered <see cref="Phase"/> (unknown before a creation loop's first check). <see cref="ExpectedConfiguration"/>,
/// after a reboot nob asked for, is the revision nob set: once RUNNING the broker must run it.
/// </summary>
/// <see cref="Recreation"/> is set only by the build's creation loop: there a CREATION_FAILED broker is answered with the
/// phase <see cref="WaitPhases.Recreate"/> (until the bound) instead of failing the wait.
/// <param name="WaitStarted">When this loop's first check ran: polling.timeoutMinutes counts from it or from <see cref="Since"/>,
/// whichever is later, so a rerun waits its own timeout for a broker still creating since an earlier run.</param>
public sealed record BrokerWait(string BrokerName, string BrokerId, string Phase, int Poll, PollPlan Polling, DateTimeOffset? Since = null,
    ConfigurationRef? ExpectedConfiguration = null, BrokerRecreation? Recreation = null, DateTimeOffset? WaitStarted = null);

/// <summary>What a check saw; the loop's next turn reads it as a <see cref="BrokerWait"/> and its Wait state sleeps <see cref="NextWaitSeconds"/>.</summary>
public sealed record BrokerWaitStatus(string BrokerName, string BrokerId, string Phase, string State, bool Ready, int Poll, PollPlan Polling,
    DateTimeOffset? Since, int NextWaitSeconds, ConfigurationRef? ExpectedConfiguration = null, BrokerRecreation? Recreation = null,
    DateTimeOffset? WaitStarted = null);

/// <summary>A running broker as the later steps need it: where it is reachable and what ingress needs to know.</summary>
/// <param name="TaggedForNetwork">Whether the broker carries nob's tag for this network (<see cref="BrokerTags.CreatedFor"/>), as
/// PlanNetwork described it: StoreNetwork records such a broker as nob's to delete, without describing it again.</param>
public sealed record BrokerWork(
    string BrokerName,
    string BrokerId,
    bool PubliclyAccessible,
    IReadOnlyList<string> SecurityGroups,
    IReadOnlyList<string> IpAddresses,
    IReadOnlyList<string> OpenWireEndpoints,
    IReadOnlyList<string> StompEndpoints,
    bool TaggedForNetwork = false);

/// <summary>
/// The brokers with their real endpoints. The connectors and connected pairs are not carried: every step that needs
/// them plans from the spec and these endpoints through <see cref="Plan"/> (the planner is pure and deterministic; a
/// warm process plans once, <see cref="PlanMemo"/>), which keeps the state small enough for Step Functions' 256 KiB
/// limit even for a 41-broker mesh.
/// </summary>
/// <param name="RebootConcurrency">How many brokers WriteRevisions handles at once (see <see cref="Workflow.RebootConcurrency"/>).</param>
public sealed record NetworkPlanResult(string NetworkName, IReadOnlyList<BrokerWork> Brokers, int RebootConcurrency = Workflow.RebootConcurrency.LiveNetwork)
{
    /// <summary>The connectors and connected pairs of this network: every step's one way to them, computed once per spec and
    /// endpoints in a warm process (<see cref="PlanMemo"/>).</summary>
    public NetworkPlan Plan(Specs.NetworkSpec spec) => PlanMemo.Plan(spec, Brokers);

    /// <summary>The plan from the brokers' descriptions (keyed by broker name); every step that plans from the brokers as they are.</summary>
    public static NetworkPlanResult FromDescriptions(Specs.NetworkSpec spec, IReadOnlyDictionary<string, BrokerDescription> descriptions)
    {
        var result = new NetworkPlanResult(spec.NetworkName, [.. spec.Brokers.Select(b =>
        {
            var d = descriptions[b.Name];
            return new BrokerWork(b.Name, d.BrokerId, d.PubliclyAccessible, d.SecurityGroups,
                [.. d.Instances.Select(i => i.IpAddress).OfType<string>()], d.OpenWireEndpoints, d.StompEndpoints, BrokerTags.CreatedFor(d, spec.NetworkName));
        })]);
        result.Plan(spec); // fails here, by name, if an endpoint is missing or malformed
        return result;
    }
}

public sealed record IngressResult(IReadOnlyList<IngressRuleOutcome> Rules);

public sealed record IngressRuleOutcome(IngressRule Rule, bool Added);

/// <param name="Attempts">How many times the write built its revision: more than 1 when another revision landed meanwhile and
/// nob merged onto it (<see cref="ConfigurationRevisionWriter"/>); <see cref="Revision"/> is then the merged one.</param>
public sealed record RevisionResult(
    string BrokerName,
    string BrokerId,
    string ConfigurationId,
    int Revision,
    bool Written,
    bool RebootRequired,
    IReadOnlyList<string> AddedConnectors,
    IReadOnlyList<string> RemovedConnectors,
    IReadOnlyList<string> UpdatedConnectors,
    bool UserCreated,
    int Attempts = 1,
    bool PasswordUpdated = false);

/// <summary>
/// Status PASSED (every pair carried a message) or SKIPPED (verification.enabled is false); a failure is an error.
/// Pairs are one line each ("A -> B: 12 ms via H"), compact because a mesh has n·(n-1) of them.
/// </summary>
public sealed record VerificationResult(string Status, string Detail, IReadOnlyList<string> Pairs, double? SlowestMilliseconds);

public sealed record NetworkSummary(
    string NetworkName,
    IReadOnlyList<BrokerSummaryLine> Brokers,
    IReadOnlyList<string> Connectors,
    IReadOnlyList<IngressRuleOutcome> Ingress,
    VerificationResult Verification,
    DateTimeOffset? StartedAt,
    DateTimeOffset FinishedAt,
    double? ElapsedSeconds,
    IReadOnlyList<string> Changes);

public sealed record BrokerSummaryLine(
    string BrokerName,
    string BrokerId,
    string BrokerState,
    bool Created,
    IReadOnlyList<string> OpenWireEndpoints,
    IReadOnlyList<string> StompEndpoints,
    IReadOnlyList<string> ConsoleUrls,
    int? ConfigurationRevision,
    bool Rebooted);
