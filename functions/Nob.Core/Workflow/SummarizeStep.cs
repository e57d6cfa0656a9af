using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>Summarize: brokers with endpoints and console URLs, connectors, revisions, ingress, verification. No secrets.</summary>
public sealed class SummarizeStep(IBrokerService brokers, TimeProvider time)
{
    /// <param name="startedAt">When the execution started (the context object's Execution.StartTime), for the elapsed time.</param>
    public async Task<NetworkSummary> RunAsync(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, NetworkPlanResult plan,
        IngressResult ingress, IReadOnlyList<RevisionResult> revisions, VerificationResult verification, DateTimeOffset? startedAt,
        CancellationToken cancellationToken)
    {
        var lines = new List<BrokerSummaryLine>();
        var descriptions = await new BrokerDescriptions(brokers).OfEnsuredAsync(spec, ensured, cancellationToken);
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.First(e => e.BrokerName == broker.Name);
            var description = descriptions[broker.Name];
            var revision = revisions.FirstOrDefault(r => r.BrokerName == broker.Name);
            lines.Add(new BrokerSummaryLine(broker.Name, id.BrokerId, description.BrokerState, id.Created, description.OpenWireEndpoints, description.StompEndpoints,
                [.. description.Instances.Select(i => i.ConsoleUrl).OfType<string>()], description.CurrentConfiguration?.Revision,
                revision?.RebootRequired ?? false));
        }
        var connectors = ResultLines.Connectors(plan.Plan(spec));
        var finishedAt = time.GetUtcNow();
        return new NetworkSummary(spec.NetworkName, lines, connectors, ingress.Rules, verification, startedAt, finishedAt,
            startedAt is { } s ? Math.Round((finishedAt - s).TotalSeconds, 1) : null, Changes(spec, ensured, ingress, revisions));
    }

    /// <summary>What this run changed, in the order it happened; empty when it changed nothing.</summary>
    static IReadOnlyList<string> Changes(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, IngressResult ingress, IReadOnlyList<RevisionResult> revisions)
    {
        var changes = new List<string>();
        changes.AddRange(ensured.Where(e => e.Created).Select(e => $"created broker {e.BrokerName}"));
        changes.AddRange(ingress.Rules.Where(r => r.Added).Select(r =>
            $"opened ingress {r.Rule.SecurityGroupId} tcp {r.Rule.Port} from {r.Rule.SourceCidr ?? r.Rule.SourceSecurityGroupId}"));
        foreach (var r in revisions)
        {
            if (r.Written)
                changes.Add(r.Attempts > 1
                    ? $"wrote {r.BrokerName}'s connectors (+{r.AddedConnectors.Count} -{r.RemovedConnectors.Count} ~{r.UpdatedConnectors.Count}) and merged them with a revision someone else wrote meanwhile: set revision {r.Revision}"
                    : $"wrote configuration revision {r.Revision} on {r.BrokerName} (+{r.AddedConnectors.Count} -{r.RemovedConnectors.Count} ~{r.UpdatedConnectors.Count} connectors)");
            if (r.UserCreated) changes.Add($"created user {spec.User.Username} on {r.BrokerName}");
            if (r.PasswordUpdated) changes.Add($"updated the password of user {spec.User.Username} on {r.BrokerName}");
        }
        // RebootRequired is what BrokerReboot acts on: every such broker was rebooted before Summarize runs.
        changes.AddRange(revisions.Where(r => r.RebootRequired).Select(r => $"rebooted {r.BrokerName}"));
        return changes;
    }
}
