using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

// What the lifecycle steps (store, drift check, teardown) pass through the state machine. No secrets.

/// <summary>What StoreNetwork wrote.</summary>
public sealed record StoredNetwork(string NetworkName, string ParameterName, int Brokers, int Connectors);

/// <summary>One thing that differs from the stored network. <see cref="Kind"/> is one of <see cref="DriftKinds"/>.</summary>
public sealed record DriftFinding(string Kind, string? BrokerName, string Detail);

/// <summary>The result of a drift check; <see cref="DetailType"/> is the EventBridge detail-type it is published with.</summary>
public sealed record DriftReport(string NetworkName, bool InSync, string DetailType, IReadOnlyList<DriftFinding> Findings, DateTimeOffset CheckedAt)
{
    public const string InSyncDetailType = "Network In Sync";
    public const string DriftDetailType = "Network Drift Detected";

    public static DriftReport From(string networkName, IReadOnlyList<DriftFinding> findings, DateTimeOffset checkedAt) =>
        new(networkName, findings.Count == 0, findings.Count == 0 ? InSyncDetailType : DriftDetailType, findings, checkedAt);
}

public static class DriftKinds
{
    public const string BrokerMissing = "BrokerMissing";
    public const string BrokerNotRunning = "BrokerNotRunning";
    public const string PendingRevision = "PendingRevision";
    public const string ConnectorMissing = "ConnectorMissing";
    public const string ConnectorUnexpected = "ConnectorUnexpected";
    public const string ConnectorChanged = "ConnectorChanged";
    public const string IngressMissing = "IngressMissing";
    /// <summary>A broker the build could not adopt (engine, deployment mode; only the build's converged check looks).</summary>
    public const string BrokerNotUsable = "BrokerNotUsable";
    /// <summary>The spec's common user (the connectors' userName) does not exist on a broker: after its next reboot the
    /// connectors cannot log in.</summary>
    public const string UserMissing = "UserMissing";
    /// <summary>A user change (created, changed or deleted user) waits for a broker's reboot.</summary>
    public const string UserChangePending = "UserChangePending";
    public const string BridgeFailed = "BridgeFailed";
    public const string NotChecked = "NotChecked";
}

/// <summary>A drift check: the stored spec (raw JSON), the plan verification needs (null when it cannot run), the report.</summary>
public sealed record DriftCheck(string NetworkName, string SpecJson, NetworkPlanResult? Plan, DriftReport Report);

/// <summary>
/// What a teardown works from. <see cref="Stored"/> is false when the spec came with the request. <see cref="Polling"/>
/// is the schedule of its wait loops, from the spec's <c>polling</c> as a build's (<see cref="PollPlan.For"/>).
/// </summary>
public sealed record TeardownPlan(string NetworkName, string SpecJson, IReadOnlyList<string> Brokers, PollPlan Polling, bool Stored);

/// <summary>
/// One turn of a broker's teardown loop. <see cref="Poll"/> counts up to the plan's MaxPolls; <see cref="Started"/> is
/// when the loop's first turn ran (its timeout counts from there); <see cref="Phase"/> and <see cref="Since"/> are what
/// the last turn saw the broker wait for (<see cref="WaitPhases"/>) and since when. All three are unknown on the first turn.
/// </summary>
public sealed record BrokerTeardown(
    string NetworkName, string BrokerName, int Poll, PollPlan Polling, DateTimeOffset? Started = null, string? Phase = null, DateTimeOffset? Since = null);

/// <summary>
/// What one teardown turn found and did. <see cref="Action"/> is one of <see cref="TeardownActions"/>. Not done: the
/// loop's next turn reads this as a <see cref="BrokerTeardown"/>, and its Wait state sleeps <see cref="NextWaitSeconds"/>.
/// </summary>
public sealed record BrokerTeardownStatus(
    string NetworkName,
    string BrokerName,
    int Poll,
    PollPlan Polling,
    DateTimeOffset Started,
    string? BrokerId,
    string? State,
    string Action,
    string Outcome,
    bool Done,
    string? Phase,
    DateTimeOffset? Since,
    int NextWaitSeconds);

public static class TeardownActions
{
    public const string Delete = "DELETE";
    public const string Unwire = "UNWIRE";
    public const string None = "NONE";
}
