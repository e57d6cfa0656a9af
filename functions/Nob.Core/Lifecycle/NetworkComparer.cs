using Nob.Core.Configuration;
using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>What a comparison looks at beyond brokers, revisions, connectors and ingress.</summary>
/// <param name="CheckUsers">Also require the common user on every broker and no user change pending (what the build's
/// WriteConnectorRevision step would otherwise create or reboot for; without the user the connectors cannot log in
/// after the next reboot).</param>
/// <param name="CheckAdoptable">Also require brokers the build could adopt (engine and deployment mode, as
/// <see cref="BrokerAdoption.Check"/> says); one that is not is not planned with.</param>
/// <param name="StopAtFirstDifference">Return after the first finding (the build's converged check only needs yes or no).</param>
public sealed record ComparisonScope(bool CheckUsers = false, bool CheckAdoptable = false, bool StopAtFirstDifference = false)
{
    /// <summary>Every difference, users included.</summary>
    public static readonly ComparisonScope Drift = new(CheckUsers: true);

    /// <summary>Everything the build would act on, up to the first difference.</summary>
    public static readonly ComparisonScope Build = new(CheckUsers: true, CheckAdoptable: true, StopAtFirstDifference: true);
}

/// <summary>
/// The comparison itself: the brokers' descriptions (keyed by name; only those that exist), the plan from their endpoints
/// (null when a broker is missing or not RUNNING), the ingress rules the network needs (empty without a plan), and the findings.
/// </summary>
public sealed record NetworkComparison(
    IReadOnlyList<DriftFinding> Findings,
    IReadOnlyDictionary<string, BrokerDescription> Descriptions,
    NetworkPlanResult? Plan,
    IReadOnlyList<IngressRule> DesiredIngress);

/// <summary>
/// Compares what exists on AWS with a spec: every broker must exist, be RUNNING, have no pending revision (and, with
/// <see cref="ComparisonScope.CheckUsers"/>, the common user and no pending user change), and its current revision must
/// hold exactly the planned managed connectors (the user's own XML and other networks' connectors, wherever they sit,
/// are not a difference); every planned ingress rule must be open. The drift check runs it on the stored spec, the
/// build's converged check on the spec it was given (stopping at the first difference, and with adoptability too).
/// </summary>
public sealed class NetworkComparer(IBrokerService brokers, ISecurityGroupService securityGroups, VerifierSource? verifier)
{
    public async Task<NetworkComparison> CompareAsync(NetworkSpec spec, ComparisonScope scope, CancellationToken cancellationToken)
    {
        var findings = new List<DriftFinding>();
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        NetworkComparison Result(NetworkPlanResult? plan = null, IReadOnlyList<IngressRule>? ingress = null) => new(findings, descriptions, plan, ingress ?? []);
        bool Done() => scope.StopAtFirstDifference && findings.Count > 0;

        var unusable = new List<string>();
        var found = new BrokerDescriptions(brokers);
        foreach (var broker in spec.Brokers)
        {
            var d = await found.FindAsync(broker.Name, cancellationToken);
            if (d is null)
            {
                findings.Add(new DriftFinding(DriftKinds.BrokerMissing, broker.Name, $"broker \"{broker.Name}\" does not exist"));
                unusable.Add(broker.Name);
                if (Done()) return Result();
                continue;
            }
            descriptions[broker.Name] = d;
            if (scope.CheckAdoptable)
            {
                try
                {
                    BrokerAdoption.Check(broker, new BrokerSummary(d.BrokerId, d.BrokerName, d.BrokerState, d.EngineType, d.DeploymentMode));
                }
                catch (BrokerNotUsableException e)
                {
                    // Its endpoints may not even fit the spec's deployment mode: nothing is planned with it.
                    findings.Add(new DriftFinding(DriftKinds.BrokerNotUsable, broker.Name, e.Message));
                    unusable.Add(broker.Name);
                    if (Done()) return Result();
                    continue;
                }
            }
            if (d.BrokerState != BrokerStates.Running)
            {
                findings.Add(new DriftFinding(DriftKinds.BrokerNotRunning, broker.Name, $"broker \"{broker.Name}\" is {d.BrokerState}, not RUNNING"));
                unusable.Add(broker.Name);
            }
            if (d.PendingConfiguration is { } pending && pending != d.CurrentConfiguration)
            {
                findings.Add(new DriftFinding(DriftKinds.PendingRevision, broker.Name,
                    $"configuration revision {pending.Revision} is pending (current {d.CurrentConfiguration?.Revision.ToString() ?? "none"}); the next reboot applies it"));
            }
            if (scope.CheckUsers && d.UsersWithPendingChanges.Count > 0)
            {
                findings.Add(new DriftFinding(DriftKinds.UserChangePending, broker.Name,
                    $"user(s) {string.Join(", ", d.UsersWithPendingChanges)} have changes pending; the next reboot applies them"));
            }
            if (Done()) return Result();
        }

        if (unusable.Count > 0)
        {
            // Connectors and ingress are planned from every broker's endpoints, so they cannot be judged without all of them.
            findings.Add(new DriftFinding(DriftKinds.NotChecked, null,
                $"connectors, users, ingress and bridges were not checked: {string.Join(", ", unusable)} missing or not RUNNING"));
            return Result();
        }

        var plan = NetworkPlanResult.FromDescriptions(spec, descriptions);
        var network = plan.Plan(spec);
        foreach (var broker in spec.Brokers)
        {
            var d = descriptions[broker.Name];
            var current = d.CurrentConfiguration ?? throw new BrokerNotUsableException(broker.Name, "it reports no configuration");
            var xml = await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, cancellationToken);
            // The writer compares parsed XML and touches only this network's connectors: what it would change is the difference.
            var revision = ConnectorConfigurationWriter.Write(broker.Name, xml, spec.NetworkName, network.Broker(broker.Name).Connectors);
            findings.AddRange(revision.AddedConnectors.Select(c => new DriftFinding(DriftKinds.ConnectorMissing, broker.Name,
                $"connector {c} is missing from revision {current.Revision}")));
            findings.AddRange(revision.RemovedConnectors.Select(c => new DriftFinding(DriftKinds.ConnectorUnexpected, broker.Name,
                $"connector {c} is in revision {current.Revision} but not in the plan")));
            findings.AddRange(revision.UpdatedConnectors.Select(c => new DriftFinding(DriftKinds.ConnectorChanged, broker.Name,
                $"connector {c} in revision {current.Revision} differs from the plan")));
            if (revision.Changed && revision.AddedConnectors.Count + revision.RemovedConnectors.Count + revision.UpdatedConnectors.Count == 0)
            {
                // The writer reports no change when this network's connectors equal the plan wherever they sit among other
                // connectors, so the same names and elements with a change left can only be a managed connector given twice.
                findings.Add(new DriftFinding(DriftKinds.ConnectorChanged, broker.Name,
                    $"a managed connector appears more than once in revision {current.Revision}; it would be rewritten"));
            }
            if (Done()) return Result(plan);

            if (scope.CheckUsers)
            {
                var users = await brokers.ListUsernamesAsync(d.BrokerId, cancellationToken);
                if (!users.Contains(spec.User.Username, StringComparer.Ordinal))
                    findings.Add(new DriftFinding(DriftKinds.UserMissing, broker.Name, $"the common user {spec.User.Username} does not exist on \"{broker.Name}\""));
                if (Done()) return Result(plan);
            }
        }

        var wanted = await new DesiredIngress(securityGroups).RulesAsync(spec, plan, verifier, cancellationToken);
        var groups = wanted.Select(r => r.SecurityGroupId).Distinct(StringComparer.Ordinal).ToList();
        var existing = groups.Count == 0 ? [] : await securityGroups.DescribeIngressAsync(groups, cancellationToken);
        foreach (var rule in wanted.Where(r => !existing.Any(e => e.Covers(r))))
        {
            findings.Add(new DriftFinding(DriftKinds.IngressMissing, null,
                $"{rule.SecurityGroupId} has no ingress tcp {rule.Port} from {rule.SourceCidr ?? rule.SourceSecurityGroupId} ({rule.Description})"));
        }
        return Result(plan, wanted);
    }
}
