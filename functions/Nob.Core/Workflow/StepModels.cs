using Nob.Core.Planning;

namespace Nob.Core.Workflow;

// What the steps pass each other through the state machine's state. Nothing here may hold a secret:
// Step Functions keeps execution history for 90 days.

/// <summary>Output of Validate: what the state machine needs to fan out and to bound its wait loops.</summary>
public sealed record ValidatedNetwork(string NetworkName, IReadOnlyList<string> Brokers, int PollIntervalSeconds, int MaxPolls, bool VerificationEnabled);

public sealed record EnsuredBroker(string BrokerName, string BrokerId, bool Created);

/// <summary>One turn of a wait-for-RUNNING loop. <see cref="Poll"/> counts up to <see cref="MaxPolls"/>.</summary>
public sealed record BrokerWait(string BrokerName, string BrokerId, int Poll, int MaxPolls, int IntervalSeconds);

public sealed record BrokerWaitStatus(string BrokerName, string BrokerId, string State, bool Ready, int Poll, int MaxPolls, int IntervalSeconds);

/// <summary>A broker as the plan needs it: its connectors and what ingress needs to know.</summary>
public sealed record BrokerWork(
    string BrokerName,
    string BrokerId,
    bool PubliclyAccessible,
    IReadOnlyList<string> SecurityGroups,
    IReadOnlyList<string> IpAddresses,
    IReadOnlyList<string> OpenWireEndpoints,
    IReadOnlyList<PlannedConnector> Connectors);

public sealed record NetworkPlanResult(string NetworkName, int NetworkTtl, IReadOnlyList<BrokerWork> Brokers, IReadOnlyList<ConnectedPair> ConnectedPairs);

public sealed record IngressResult(IReadOnlyList<IngressRuleOutcome> Rules);

public sealed record IngressRuleOutcome(IngressRule Rule, bool Added);

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
    bool UserCreated);

/// <summary>Status PASSED (every pair carried a message) or SKIPPED (verification.enabled is false); a failure is an error.</summary>
public sealed record VerificationResult(string Status, string Detail, IReadOnlyList<VerifiedPair> Pairs);

public sealed record VerifiedPair(string Sender, string Receiver, IReadOnlyList<string> Path, double LatencyMilliseconds, string? ReceiverEndpoint);

public sealed record NetworkSummary(
    string NetworkName,
    IReadOnlyList<BrokerSummaryLine> Brokers,
    IReadOnlyList<ConnectorSummaryLine> Connectors,
    IReadOnlyList<IngressRuleOutcome> Ingress,
    VerificationResult Verification,
    DateTimeOffset? StartedAt,
    DateTimeOffset FinishedAt,
    double? ElapsedSeconds);

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

public sealed record ConnectorSummaryLine(string Name, string From, string To, string Uri, bool Duplex);
