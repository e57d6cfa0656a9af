using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Configuration;
using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

/// <summary>Store: after a successful build, record the spec, the brokers and the planned connectors under the network's name.</summary>
public sealed class StoreNetworkStep(IBrokerService brokers, INetworkStore store, TimeProvider time)
{
    public async Task<StoredNetwork> RunAsync(string specJson, IReadOnlyList<EnsuredBroker> ensured, string? executionName, CancellationToken cancellationToken)
    {
        var spec = SpecReader.ReadValid(specJson);
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.FirstOrDefault(e => e.BrokerName == broker.Name)?.BrokerId ?? throw new BrokerMissingException(broker.Name);
            descriptions[broker.Name] = await brokers.DescribeBrokerAsync(id, cancellationToken);
        }
        var plan = PlanNetworkStep.FromDescriptions(spec, descriptions).Plan(spec);
        // The tag survives a lost execution history: a broker nob created in an earlier run is still nob's to delete.
        var stored = spec.Brokers.Select(b => new StoredBroker(b.Name, descriptions[b.Name].BrokerId,
            ensured.First(e => e.BrokerName == b.Name).Created || CreatedFor(descriptions[b.Name], spec.NetworkName))).ToList();
        var connectors = SummarizeStep.ConnectorLines(plan);
        // Brokers nob created for an earlier version of the spec stay nob's to delete at teardown: carry them forward.
        var previous = await store.GetAsync(spec.NetworkName, cancellationToken);
        var named = stored.Select(b => b.BrokerName).ToHashSet(StringComparer.Ordinal);
        var retired = (previous?.RetiredBrokers ?? []).Concat(previous?.Brokers.Where(b => b.Created) ?? [])
            .Where(b => !named.Contains(b.BrokerName)).DistinctBy(b => b.BrokerName).ToList();
        var record = new NetworkRecord(NetworkRecord.CurrentSchemaVersion, spec.NetworkName, specJson, stored, connectors, time.GetUtcNow(), executionName,
            retired.Count == 0 ? null : retired);
        await store.PutAsync(record, cancellationToken);
        return new StoredNetwork(spec.NetworkName, NetworkRecord.ParameterName(spec.NetworkName), stored.Count, connectors.Count);
    }

    /// <summary>True when nob created this broker for this network (it carries the network tag).</summary>
    public static bool CreatedFor(BrokerDescription broker, string networkName) =>
        broker.Tags.TryGetValue(EnsureBrokerStep.NetworkTag, out var tag) && tag == networkName;
}

/// <summary>Which stored networks a check covers: the named one (which must be stored) or all of them.</summary>
public sealed class ListNetworksStep(INetworkStore store)
{
    public async Task<IReadOnlyList<string>> RunAsync(string? networkName, CancellationToken cancellationToken)
    {
        if (networkName is null) return await store.ListNetworkNamesAsync(cancellationToken);
        _ = await store.GetAsync(networkName, cancellationToken) ?? throw new NetworkNotFoundException(networkName);
        return [networkName];
    }
}

/// <summary>
/// Drift check: compares what exists on AWS with the stored network. Every broker must exist, be RUNNING, have no
/// pending revision, the common user and no pending user change, and its current revision must hold exactly the planned
/// managed connectors (the user's own XML and other networks' connectors are not drift); every planned ingress rule
/// must be open. Bridges are proven afterwards by the Verify
/// step, which needs the returned plan; the plan is null when a broker is missing or not RUNNING.
/// </summary>
public sealed class CheckDriftStep(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore store, VerifierSource? verifier, TimeProvider time)
{
    public async Task<DriftCheck> RunAsync(string networkName, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(networkName, cancellationToken) ?? throw new NetworkNotFoundException(networkName);
        var spec = SpecReader.ReadValid(record.SpecJson);
        var comparison = await new NetworkComparer(brokers, securityGroups, verifier).CompareAsync(spec, ComparisonScope.Drift, cancellationToken);
        return new DriftCheck(spec.NetworkName, record.SpecJson, comparison.Plan, DriftReport.From(spec.NetworkName, comparison.Findings, time.GetUtcNow()));
    }
}

/// <summary>Report drift: the check's findings plus a failed bridge verification, with InSync and DetailType recomputed.</summary>
public sealed class ReportDriftStep(TimeProvider time)
{
    /// <param name="verificationError">Error and Cause of a failed Verify task (the ASL's Catch); null when it passed or was skipped.</param>
    public DriftReport Run(DriftReport report, VerificationResult? verification, (string? Error, string? Cause)? verificationError)
    {
        var findings = report.Findings.ToList();
        if (verificationError is { } failure)
        {
            findings.Add(new DriftFinding(DriftKinds.BridgeFailed, null, $"bridge verification failed: {Message(failure.Error, failure.Cause)}"));
        }
        else if (verification is { Status: not ("PASSED" or "SKIPPED") })
        {
            findings.Add(new DriftFinding(DriftKinds.BridgeFailed, null, $"bridge verification reported {verification.Status}: {verification.Detail}"));
        }
        return DriftReport.From(report.NetworkName, findings, time.GetUtcNow());
    }

    /// <summary>A Lambda error's Cause is JSON ({"errorType","errorMessage",…}); other errors (States.Timeout) carry plain text.</summary>
    static string Message(string? error, string? cause)
    {
        if (cause is { } c && c.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(c);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("errorMessage", out var message) && message.ValueKind == JsonValueKind.String)
                    return message.GetString()!;
            }
            catch (JsonException)
            {
                // not JSON after all: shown as it is below
            }
        }
        return (error, cause) switch
        {
            ({ } e, { Length: > 0 } text) => $"{e}: {text}",
            ({ } e, _) => e,
            (null, { } text) => text,
            _ => "no error given",
        };
    }
}

/// <summary>
/// Plan a teardown: the stored spec, or the one given when nothing is stored; the broker list and the schedule of its
/// wait loops. With no record (a first build that failed before storing it), the brokers nob tagged for the network
/// are found too (ListBrokers, then each broker's tags), so none that build created is left behind.
/// </summary>
public sealed class PlanTeardownStep(INetworkStore store, IBrokerService? brokers = null)
{
    /// <summary>The teardown state machine's Map MaxConcurrency (statemachine/teardown-network.asl.json).</summary>
    public const int TeardownConcurrency = 10;

    /// <param name="pollingJson">A <c>polling</c> object to wait by instead of the spec's (local mode's, whose brokers
    /// start and stop in seconds, whatever polling the stored spec has); validated as a spec's.</param>
    public async Task<TeardownPlan> RunAsync(string networkName, string? specJson, CancellationToken cancellationToken, string? pollingJson = null)
    {
        var record = await store.GetAsync(networkName, cancellationToken);
        // The spec's own brokers are looked at by TeardownBroker anyway: only the others need their tags read here.
        var known = specJson is not null && SpecReader.Read(specJson).Spec is { } named ? named.Brokers.Select(b => b.Name).ToHashSet(StringComparer.Ordinal) : [];
        var tagged = record is null && brokers is not null ? await TaggedBrokersAsync(brokers, networkName, known, cancellationToken) : [];
        if (record is null && specJson is null && tagged.Count > 0)
            throw new NetworkNotFoundException(networkName, $"Network \"{networkName}\" is not stored, but nob created broker(s) for it: {string.Join(", ", tagged)}; "
                + "give its spec to tear it down (nob down SPEC, or the spec in the teardown request)");
        var json = record?.SpecJson ?? specJson ?? throw new NetworkNotFoundException(networkName);
        var spec = SpecReader.ReadValid(json);
        var polling = pollingJson is null ? spec.Polling : SpecReader.ReadValid(WithPolling(json, pollingJson)).Polling;
        if (spec.NetworkName != networkName)
            throw new NetworkNotFoundException(networkName, $"Network \"{networkName}\" is not stored, and the spec given is for network \"{spec.NetworkName}\"");
        // Every broker the network may have: the stored spec's, those it retired, and those of a spec given along (a newer
        // spec whose build failed before it was stored may have created brokers the record does not know yet).
        var given = specJson is null ? null : SpecReader.Read(specJson).Spec;
        var names = spec.Brokers.Select(b => b.Name)
            .Concat(record?.RetiredBrokers?.Select(b => b.BrokerName) ?? [])
            .Concat(given is not null && given.NetworkName == networkName ? given.Brokers.Select(b => b.Name) : [])
            .Concat(tagged)
            .Distinct(StringComparer.Ordinal).ToList();
        // The teardown Map runs 10 brokers at once: the rate bound is worked out for that many loops.
        return new TeardownPlan(networkName, json, names, PollPlan.For(polling, Math.Min(names.Count, TeardownConcurrency)), record is not null);
    }

    /// <summary>The names of the brokers that carry nob's tag for this network (any state but being deleted).</summary>
    /// <param name="skip">Names not to look at (already in the plan).</param>
    public static async Task<IReadOnlyList<string>> TaggedBrokersAsync(IBrokerService brokers, string networkName, IReadOnlySet<string> skip,
        CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var summary in await brokers.ListBrokersAsync(cancellationToken))
        {
            if (summary.BrokerState == BrokerStates.DeletionInProgress || skip.Contains(summary.BrokerName)) continue;
            try
            {
                if (StoreNetworkStep.CreatedFor(await brokers.DescribeBrokerAsync(summary.BrokerId, cancellationToken), networkName)) names.Add(summary.BrokerName);
            }
            catch (BrokerMissingException)
            {
                // Deleted since it was listed.
            }
        }
        return names;
    }

    static string WithPolling(string specJson, string pollingJson)
    {
        var spec = JsonNode.Parse(specJson)!.AsObject();
        spec["polling"] = JsonNode.Parse(pollingJson);
        return spec.ToJsonString();
    }
}

/// <summary>
/// Revoke ingress: removes every rule on the brokers' security groups whose description starts with
/// <see cref="OpenIngressStep.DescriptionPrefix"/> for this network, i.e. exactly the rules nob added for it, except
/// those another stored network still needs. EC2 keeps one rule per group, port and source, so when two networks need
/// the same rule it carries the description of whichever added it first. Rules others added keep their own
/// descriptions and stay.
/// </summary>
public sealed class RevokeIngressStep(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore store, VerifierSource? verifier)
{
    /// <param name="brokerNames">The teardown plan's brokers (those of a spec nob retired, or found by nob's tag, too); null: the spec's.</param>
    public async Task<IReadOnlyList<IngressRule>> RunAsync(NetworkSpec spec, CancellationToken cancellationToken, IReadOnlyList<string>? brokerNames = null)
    {
        var groups = spec.Brokers.SelectMany(b => b.SecurityGroups).ToHashSet(StringComparer.Ordinal);
        foreach (var name in spec.Brokers.Select(b => b.Name).Concat(brokerNames ?? []).Distinct(StringComparer.Ordinal))
        {
            // A broker created without explicit groups gets the VPC default; Amazon MQ reports the groups it really has.
            if (await brokers.FindBrokerByNameAsync(name, cancellationToken) is { } found)
                groups.UnionWith((await brokers.DescribeBrokerAsync(found.BrokerId, cancellationToken)).SecurityGroups);
        }
        if (groups.Count == 0) return [];

        var prefix = OpenIngressStep.DescriptionPrefix(spec.NetworkName);
        var ours = (await securityGroups.DescribeIngressAsync([.. groups.Order(StringComparer.Ordinal)], cancellationToken))
            .Where(r => r.Description?.StartsWith(prefix, StringComparison.Ordinal) == true && r.Protocol == "tcp" && r.FromPort == r.ToPort)
            .Select(r => new IngressRule(r.SecurityGroupId, r.FromPort, r.SourceCidr, r.SourceSecurityGroupId, r.Description!))
            .ToList();
        if (ours.Count == 0) return [];
        var stillNeeded = await NeededByOtherNetworksAsync(spec.NetworkName, cancellationToken);
        var revoked = new List<IngressRule>();
        foreach (var rule in ours.Where(r => !stillNeeded.Contains(Key(r)) && !stillNeeded.Contains((r.SecurityGroupId, 0, null, null))))
        {
            if (await securityGroups.RevokeIngressAsync(rule, cancellationToken)) revoked.Add(rule);
        }
        return revoked;
    }

    static (string Group, int Port, string? Cidr, string? SourceGroup) Key(IngressRule r) => (r.SecurityGroupId, r.Port, r.SourceCidr, r.SourceSecurityGroupId);

    /// <summary>
    /// The rules every other stored network needs, planned from its spec and its brokers as they are now. A network that
    /// cannot be planned (a broker missing) protects every rule on its brokers' groups, written as (group, 0, null, null).
    /// </summary>
    async Task<HashSet<(string Group, int Port, string? Cidr, string? SourceGroup)>> NeededByOtherNetworksAsync(string networkName, CancellationToken cancellationToken)
    {
        var needed = new HashSet<(string, int, string?, string?)>();
        foreach (var other in await store.ListNetworkNamesAsync(cancellationToken))
        {
            if (other == networkName || await store.GetAsync(other, cancellationToken) is not { } record) continue;
            if (SpecReader.Read(record.SpecJson).Spec is not { } spec) continue;
            var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
            var otherGroups = spec.Brokers.SelectMany(b => b.SecurityGroups).ToHashSet(StringComparer.Ordinal);
            foreach (var broker in spec.Brokers)
            {
                if (await brokers.FindBrokerByNameAsync(broker.Name, cancellationToken) is not { } found) continue;
                try
                {
                    descriptions[broker.Name] = await brokers.DescribeBrokerAsync(found.BrokerId, cancellationToken);
                    otherGroups.UnionWith(descriptions[broker.Name].SecurityGroups);
                }
                catch (BrokerMissingException)
                {
                    // Deleted since it was listed: that network cannot be planned; its groups are protected below.
                }
            }
            if (descriptions.Count == spec.Brokers.Count && await DesiredRulesOrNullAsync(spec, descriptions, cancellationToken) is { } rules)
            {
                foreach (var rule in rules) needed.Add(Key(rule));
            }
            else
            {
                foreach (var group in otherGroups) needed.Add((group, 0, null, null));
            }
        }
        return needed;
    }

    /// <summary>The network's rules, or null when a broker cannot be planned yet (e.g. still being created, no address).</summary>
    async Task<IReadOnlyList<IngressRule>?> DesiredRulesOrNullAsync(NetworkSpec spec, Dictionary<string, BrokerDescription> descriptions, CancellationToken cancellationToken)
    {
        try
        {
            return await new OpenIngressStep(securityGroups).DesiredRulesAsync(spec, PlanNetworkStep.FromDescriptions(spec, descriptions), verifier, cancellationToken);
        }
        catch (Exception e) when (e is BrokerNotUsableException or ArgumentException)
        {
            // No address for an ingress rule, or no endpoint for a connector yet (the planner's ArgumentException).
            return null;
        }
    }
}

/// <summary>
/// One turn of a broker's teardown loop (the ASL repeats it with a Wait until <see cref="BrokerTeardownStatus.Done"/>).
/// A broker nob created for this network (tagged) is deleted once it can be; an adopted broker is never deleted, only
/// unwired: a revision without this network's connectors, applied by a reboot. Each turn looks afresh, so a retried or
/// restarted teardown continues where the last one stopped.
/// </summary>
public sealed class TeardownBrokerStep(IBrokerService brokers, INetworkStore store, TimeProvider time)
{
    public async Task<BrokerTeardownStatus> RunAsync(BrokerTeardown turn, CancellationToken cancellationToken)
    {
        var plan = turn.Polling;
        var poll = turn.Poll + 1;
        var now = time.GetUtcNow();
        var started = turn.Started is { } s && s <= now ? s : now;
        BrokerTeardownStatus Done(string? id, string? state, string action, string outcome) =>
            new(turn.NetworkName, turn.BrokerName, poll, plan, started, id, state, action, outcome, true, null, null, 0);

        // Not done: the broker waits for a phase (deletion, creation, reboot) that began at phaseStart if known (this turn's
        // own action, a broker's creation time), else when an earlier turn saw it begin; a phase found under way with no
        // known start counts as half over, so the next check is neither a full half-expected wait late nor too eager.
        BrokerTeardownStatus Waiting(string id, string state, string action, string outcome, string phase, DateTimeOffset? phaseStart = null)
        {
            ThrowIfOutOfTime(state);
            var since = phaseStart
                ?? (turn.Phase == phase ? turn.Since : null)
                ?? now - TimeSpan.FromSeconds(plan.ExpectedSeconds(phase) / 2.0);
            if (since > now) since = now;
            // The loop's timeout counts from its first turn, not from the phase's start (a creation counts from the broker's).
            var remaining = TimeSpan.FromSeconds(plan.TimeoutSeconds) - (now - started);
            return new(turn.NetworkName, turn.BrokerName, poll, plan, started, id, state, action, outcome, false, phase, since,
                plan.NextWaitSeconds(phase, now - since, remaining));
        }

        // Checked before acting too: a last turn that started a deletion or reboot and then reported a timeout would leave
        // it running behind a failed teardown.
        void ThrowIfOutOfTime(string state)
        {
            var waited = now - started;
            if (poll >= plan.MaxPolls || waited.TotalSeconds >= plan.TimeoutSeconds)
                throw new TeardownTimedOutException(turn.BrokerName, state, poll, waited);
        }

        var summary = await brokers.FindBrokerByNameAsync(turn.BrokerName, cancellationToken);
        // Gone after an earlier turn saw it (the deletion this teardown started has finished): say so, not "absent".
        if (summary is null) return Done(null, null, TeardownActions.None, turn.Poll == 0 ? "absent" : "deleted");
        BrokerDescription broker;
        try
        {
            broker = await brokers.DescribeBrokerAsync(summary.BrokerId, cancellationToken);
        }
        catch (BrokerMissingException)
        {
            // Listed a moment ago, gone now: its deletion finished between the two calls.
            return Done(null, null, TeardownActions.None, turn.Poll == 0 ? "absent" : "deleted");
        }
        var (id, state) = (broker.BrokerId, broker.BrokerState);

        // A broker nob created for this network that another stored network uses now is that network's too: unwire it only.
        if (StoreNetworkStep.CreatedFor(broker, turn.NetworkName) && await UsedByAnotherNetworkAsync(turn, cancellationToken) is null)
        {
            switch (state)
            {
                case BrokerStates.Running or BrokerStates.CreationFailed:
                    ThrowIfOutOfTime(state);
                    await brokers.DeleteBrokerAsync(id, cancellationToken);
                    return Waiting(id, state, TeardownActions.Delete, "deleting", WaitPhases.Deletion, now);
                case BrokerStates.DeletionInProgress:
                    return Waiting(id, state, TeardownActions.None, "deleting", WaitPhases.Deletion);
                case BrokerStates.CreationInProgress:
                    // Amazon MQ refuses to delete a broker that is being created or rebooted.
                    return Waiting(id, state, TeardownActions.None, "waiting for RUNNING to delete", WaitPhases.Creation, broker.Created);
                case BrokerStates.RebootInProgress:
                    return Waiting(id, state, TeardownActions.None, "waiting for RUNNING to delete", WaitPhases.Reboot);
                default:
                    throw new BrokerNotUsableException(turn.BrokerName, $"it is {state}; teardown deletes a broker only when RUNNING or CREATION_FAILED");
            }
        }

        switch (state)
        {
            case BrokerStates.RebootInProgress:
                return Waiting(id, state, TeardownActions.None, "waiting for the reboot", WaitPhases.Reboot);
            case BrokerStates.Running:
                break;
            default:
                throw new BrokerNotUsableException(turn.BrokerName, $"it is {state}; an adopted broker is unwired only when RUNNING");
        }

        var current = broker.CurrentConfiguration ?? throw new BrokerNotUsableException(turn.BrokerName, "it reports no configuration");
        var latest = broker.PendingConfiguration ?? current;
        var latestXml = await brokers.GetConfigurationRevisionXmlAsync(latest.Id, latest.Revision, cancellationToken);
        var unwired = ConnectorConfigurationWriter.Write(turn.BrokerName, latestXml, turn.NetworkName, []);
        if (unwired.Changed)
        {
            ThrowIfOutOfTime(state);
            // As a build's write, a compare-and-swap on the newest revision: an edit saved meanwhile is kept.
            await new ConfigurationRevisionWriter(brokers).WriteAsync(turn.BrokerName, broker,
                xml => ConnectorConfigurationWriter.Write(turn.BrokerName, xml, turn.NetworkName, []),
                $"nob {turn.NetworkName}: network connectors removed (teardown)", cancellationToken);
            await brokers.RebootBrokerAsync(id, cancellationToken);
            return Waiting(id, state, TeardownActions.Unwire, "removing connectors", WaitPhases.Reboot, now);
        }
        if (latest != current)
        {
            // The pending revision is already clean; reboot only if the running one still has our connectors.
            var currentXml = await brokers.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, cancellationToken);
            if (ConnectorConfigurationWriter.Write(turn.BrokerName, currentXml, turn.NetworkName, []).Changed)
            {
                ThrowIfOutOfTime(state);
                await brokers.RebootBrokerAsync(id, cancellationToken);
                return Waiting(id, state, TeardownActions.Unwire, "removing connectors", WaitPhases.Reboot, now);
            }
        }
        // On the first turn nothing was removed by this teardown: the broker never had (or no longer had) our connectors.
        return Done(id, state, TeardownActions.None, turn.Poll == 0 ? "untouched" : "connectors removed");
    }

    /// <summary>The first other stored network whose spec names this broker, or null.</summary>
    async Task<string?> UsedByAnotherNetworkAsync(BrokerTeardown turn, CancellationToken cancellationToken)
    {
        foreach (var other in await store.ListNetworkNamesAsync(cancellationToken))
        {
            if (other == turn.NetworkName || await store.GetAsync(other, cancellationToken) is not { } record) continue;
            if (record.Brokers.Any(b => b.BrokerName == turn.BrokerName)) return other;
        }
        return null;
    }
}

/// <summary>Finish a teardown: forget the network.</summary>
public sealed class FinishTeardownStep(INetworkStore store)
{
    public Task<bool> RunAsync(string networkName, CancellationToken cancellationToken) => store.DeleteAsync(networkName, cancellationToken);
}
