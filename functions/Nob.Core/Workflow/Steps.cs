using System.Security.Cryptography;
using System.Text;
using Nob.Core.Configuration;
using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.Core.Verification;

namespace Nob.Core.Workflow;

/// <summary>Validate: a bad spec fails the execution at once with every error (<see cref="InvalidSpecException"/>).</summary>
public static class ValidateStep
{
    public static ValidatedNetwork Run(string specJson)
    {
        var spec = SpecReader.ReadValid(specJson);
        return new ValidatedNetwork(spec.NetworkName, [.. spec.Brokers.Select(b => b.Name)], PollPlan.For(spec.Polling, spec.Brokers.Count), spec.Verification.Enabled);
    }
}

/// <summary>
/// Ensure broker: adopt the broker that has the name, or create it idempotently. A broker of nob's that is
/// CREATION_FAILED is deleted so the build's loop can create it again (<see cref="BrokerRecreation"/>); a CreateBroker
/// that answers "name taken" (a retried call whose first attempt created it) adopts the broker if it is nob's.
/// </summary>
public sealed class EnsureBrokerStep(IBrokerService brokers, IParameterStore parameters)
{
    public const string NetworkTag = "nob:network";

    /// <summary>The SSM version of the password the broker's common user was last given (see <see cref="WriteConnectorRevisionStep"/>).</summary>
    public const string PasswordVersionTag = "nob:password-version";

    /// <summary>Same network and broker, same id: a retried step or a second execution never creates a second broker.
    /// A recreation gets its own id, from the broker it replaces.</summary>
    public static string CreatorRequestId(string networkName, string brokerName, string? replacesBrokerId = null) =>
        "nob-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            replacesBrokerId is null ? $"{networkName}/{brokerName}" : $"{networkName}/{brokerName}/replaces/{replacesBrokerId}")))[..32];

    /// <param name="recreation">Where the build's loop stands in replacing this broker (none on the first turn).</param>
    public async Task<EnsuredBroker> RunAsync(NetworkSpec spec, string brokerName, CancellationToken cancellationToken, BrokerRecreation? recreation = null)
    {
        recreation ??= BrokerRecreation.None;
        var wanted = spec.Broker(brokerName);
        // Read first, adopted or not: a missing password parameter fails every broker's step before any broker is created.
        var password = await parameters.GetSecureStringWithVersionAsync(spec.User.PasswordParameter, cancellationToken);
        var existing = await brokers.FindBrokerByNameAsync(brokerName, cancellationToken);
        if (existing is not null)
        {
            // Our own deletion still under way (a retried step): go on waiting for it.
            if (existing.BrokerState == BrokerStates.DeletionInProgress && existing.BrokerId == recreation.ReplacesBrokerId)
                return new EnsuredBroker(brokerName, existing.BrokerId, Created: false, WaitPhases.DeletionForRecreate, recreation);
            CheckAdoptable(wanted, existing);
            if (existing.BrokerState == BrokerStates.CreationFailed)
                return await BrokerRecreation.ReplaceAsync(brokers, spec.NetworkName, brokerName, existing.BrokerId, recreation, cancellationToken);
            return new EnsuredBroker(brokerName, existing.BrokerId, Created: false, WaitPhases.Creation, recreation);
        }

        var creation = new BrokerCreation(
            brokerName,
            CreatorRequestId(spec.NetworkName, brokerName, recreation.ReplacesBrokerId),
            wanted.EngineVersion,
            wanted.HostInstanceType,
            wanted.DeploymentMode,
            wanted.SubnetIds,
            wanted.SecurityGroups,
            wanted.PubliclyAccessible,
            spec.User.Username,
            new Dictionary<string, string> { [NetworkTag] = spec.NetworkName, [PasswordVersionTag] = PasswordVersion(password.Version) });
        try
        {
            var id = await brokers.CreateBrokerAsync(creation, password.Value, cancellationToken);
            return new EnsuredBroker(brokerName, id, Created: true, WaitPhases.Creation, recreation);
        }
        catch (BrokerNameTakenException taken)
        {
            return await AdoptAfterConflictAsync(spec, wanted, recreation, taken, cancellationToken);
        }
    }

    /// <summary>The name was taken between the lookup and the creation: adopt the broker if nob created it for this network.</summary>
    async Task<EnsuredBroker> AdoptAfterConflictAsync(NetworkSpec spec, BrokerSpec wanted, BrokerRecreation recreation, BrokerNameTakenException taken,
        CancellationToken cancellationToken)
    {
        var found = await brokers.FindBrokerByNameAsync(wanted.Name, cancellationToken)
            ?? throw new BrokerNameConflictException(wanted.Name, $"{taken.Message}, but no broker of that name is listed now");
        BrokerDescription broker;
        try
        {
            broker = await brokers.DescribeBrokerAsync(found.BrokerId, cancellationToken);
        }
        catch (BrokerMissingException)
        {
            throw new BrokerNameConflictException(wanted.Name, $"{taken.Message}, but broker {found.BrokerId} is gone now");
        }
        if (!BrokerRecreation.CreatedByNob(broker, spec.NetworkName))
            throw new BrokerNameConflictException(wanted.Name, $"broker {found.BrokerId} has it and was not created by nob for network \"{spec.NetworkName}\"");
        CheckAdoptable(wanted, found);
        if (found.BrokerState == BrokerStates.CreationFailed)
            return await BrokerRecreation.ReplaceAsync(brokers, spec.NetworkName, wanted.Name, found.BrokerId, recreation, cancellationToken);
        // Tagged for this network and still being created: the lost answer was ours.
        return new EnsuredBroker(wanted.Name, found.BrokerId, Created: found.BrokerState == BrokerStates.CreationInProgress, WaitPhases.Creation, recreation);
    }

    /// <summary>A parameter version as the <see cref="PasswordVersionTag"/> tag holds it.</summary>
    public static string PasswordVersion(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when the broker's tag says its common user already has this version of the password.</summary>
    public static bool HasPasswordVersion(BrokerDescription broker, long version) =>
        broker.Tags.TryGetValue(PasswordVersionTag, out var tagged) && tagged == PasswordVersion(version);

    /// <summary>Throws <see cref="BrokerNotUsableException"/> when an existing broker cannot be part of the network; the converged check asks too.</summary>
    public static void CheckAdoptable(BrokerSpec wanted, BrokerSummary existing)
    {
        if (existing.EngineType is { } engine && !engine.Equals("ACTIVEMQ", StringComparison.OrdinalIgnoreCase))
            throw new BrokerNotUsableException(wanted.Name, $"it exists with engine {engine}; networks of brokers need ActiveMQ");
        if (existing.DeploymentMode is { } mode && mode != wanted.DeploymentMode)
            throw new BrokerNotUsableException(wanted.Name, $"it exists as {mode} but the spec asks for {wanted.DeploymentMode}; change the spec or use another name");
        if (existing.BrokerState is BrokerStates.DeletionInProgress)
            throw new BrokerNotUsableException(wanted.Name, "it is being deleted");
    }
}

/// <summary>
/// One turn of the wait-for-RUNNING loop: RUNNING continues, creating or rebooting waits (after lingering, if the plan
/// says so), the rest fail by name. The answer says how long the loop's Wait state sleeps before the next turn.
/// </summary>
public sealed class BrokerStateStep(IBrokerService brokers, TimeProvider time)
{
    public Task<BrokerWaitStatus> RunAsync(BrokerWait wait, CancellationToken cancellationToken) => RunAsync(wait, listed: null, cancellationToken);

    /// <param name="listed">
    /// The broker's state in the ListBrokers a stage turn made for all its brokers (<see cref="StageListing"/>, which
    /// lingered), or null: then this check describes the broker and lingers on its own. A listed state that decides alone
    /// (still creating or rebooting, or a creation RUNNING) answers without a call; any other state, or none, is decided
    /// on one DescribeBroker, as a check of its own would be.
    /// </param>
    internal async Task<BrokerWaitStatus> RunAsync(BrokerWait wait, string? listed, CancellationToken cancellationToken)
    {
        var plan = wait.Polling;
        // An unknown phase fails before any call; deletion is teardown's, not a wait for RUNNING.
        if (wait.Phase == WaitPhases.DeletionForRecreate) return await DeletionForRecreateAsync(wait, cancellationToken);
        if (wait.Phase is not (WaitPhases.Creation or WaitPhases.Reboot))
            throw new ArgumentOutOfRangeException(nameof(wait), wait.Phase, "a wait for RUNNING is for creation or reboot");
        var poll = wait.Poll + 1;
        var broker = listed is { } state && DecidedByState(wait, state)
            ? StateOnly(wait, state)
            : await brokers.DescribeBrokerAsync(wait.BrokerId, cancellationToken);
        // A creation is timed from the broker's own creation while it is still being created (an adopted broker may have
        // been creating for a while); any other wait from now. Never from the future (clock skew).
        var now = time.GetUtcNow();
        var since = wait.Since ?? (wait.Phase == WaitPhases.Creation && broker.BrokerState == BrokerStates.CreationInProgress ? broker.Created : null) ?? now;
        if (since > now) since = now;
        // The timeout counts from the later of the phase's start and this loop's first check: the schedule knows how long
        // an adopted broker has been creating, but a rerun still waits its own polling.timeoutMinutes for it.
        // (A later check that carries no WaitStarted, from a loop an earlier version started, counts from Since as before.)
        var waitStarted = wait.WaitStarted ?? wait.Since ?? now;
        if (waitStarted > now) waitStarted = now;
        var timedFrom = since > waitStarted ? since : waitStarted;

        // Lingering: further checks inside this invocation, as far apart as the plan's rate allows, until the linger ends.
        var lingerInterval = TimeSpan.FromMilliseconds(plan.LingerIntervalMilliseconds);
        var lingerUntil = now + TimeSpan.FromSeconds(listed is null ? plan.LingerSeconds : 0);
        while (!RecreationDue(wait, broker) && !IsReady(wait.BrokerName, broker) && time.GetUtcNow() + lingerInterval <= lingerUntil)
        {
            await Task.Delay(lingerInterval, time, cancellationToken);
            broker = await brokers.DescribeBrokerAsync(wait.BrokerId, cancellationToken);
        }

        var checkedAt = time.GetUtcNow();
        var elapsed = checkedAt - since;
        var waited = checkedAt - timedFrom;
        if (RecreationDue(wait, broker))
            return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, WaitPhases.Recreate, broker.BrokerState, false, poll, plan, since, plan.MinWaitSeconds, Recreation: wait.Recreation);
        if (IsReady(wait.BrokerName, broker))
        {
            // After nob's reboot the broker must run the revision nob set, not one someone else set meanwhile.
            if (wait.ExpectedConfiguration is { } expected && broker.CurrentConfiguration != expected)
                throw new BrokerRevisionMismatchException(wait.BrokerName, expected, broker.CurrentConfiguration);
            return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, wait.Phase, broker.BrokerState, true, poll, plan, since, 0, wait.ExpectedConfiguration, wait.Recreation, waitStarted);
        }
        if (poll >= plan.MaxPolls || waited.TotalSeconds >= plan.TimeoutSeconds)
            throw new BrokerWaitTimedOutException(wait.BrokerName, broker.BrokerState, poll, waited);
        return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, wait.Phase, broker.BrokerState, false, poll, plan, since,
            plan.NextWaitSeconds(wait.Phase, elapsed, TimeSpan.FromSeconds(plan.TimeoutSeconds) - waited), wait.ExpectedConfiguration, wait.Recreation, waitStarted);
    }

    /// <summary>
    /// Whether a listed state decides the check alone: still creating (once the creation's start is known) or rebooting,
    /// and RUNNING when no revision must be checked (a creation). Anything else needs the described broker.
    /// </summary>
    static bool DecidedByState(BrokerWait wait, string state) =>
        StageListing.StillWaiting(wait.Phase, state) ? wait.Since is not null || wait.Phase != WaitPhases.Creation
        : state == BrokerStates.Running && wait.ExpectedConfiguration is null;

    /// <summary>A listed state as the check's broker: the state, nothing more (what <see cref="DecidedByState"/> allows reads nothing else).</summary>
    static BrokerDescription StateOnly(BrokerWait wait, string state) =>
        new(wait.BrokerId, wait.BrokerName, "", state, "", "", "", false, [], [], null, null, [], [], new Dictionary<string, string>());

    /// <summary>
    /// The build's creation loop (it carries a recreation): a CREATION_FAILED broker goes back to EnsureBroker (phase
    /// <see cref="WaitPhases.Recreate"/>), which replaces it if it is nob's, until <see cref="BrokerRecreation.MaxRecreations"/>.
    /// </summary>
    static bool RecreationDue(BrokerWait wait, BrokerDescription broker)
    {
        if (wait.Recreation is not { } recreation || wait.Phase != WaitPhases.Creation || broker.BrokerState != BrokerStates.CreationFailed) return false;
        if (recreation.Count >= BrokerRecreation.MaxRecreations) throw new BrokerCreationFailedException(wait.BrokerName, broker.BrokerId, recreation.Count);
        return true;
    }

    /// <summary>
    /// After EnsureBroker deleted a failed broker of nob's: wait (bounded by polling.timeoutMinutes) until it is gone, then
    /// answer <see cref="WaitPhases.Recreate"/> so the loop creates it again.
    /// </summary>
    async Task<BrokerWaitStatus> DeletionForRecreateAsync(BrokerWait wait, CancellationToken cancellationToken)
    {
        var plan = wait.Polling;
        var poll = wait.Poll + 1;
        var now = time.GetUtcNow();
        var since = wait.Since is { } s && s <= now ? s : now;
        async Task<string?> StateAsync()
        {
            try
            {
                return (await brokers.DescribeBrokerAsync(wait.BrokerId, cancellationToken)).BrokerState;
            }
            catch (BrokerMissingException)
            {
                return null; // deleted
            }
        }

        var state = await StateAsync();
        var lingerInterval = TimeSpan.FromMilliseconds(plan.LingerIntervalMilliseconds);
        var lingerUntil = now + TimeSpan.FromSeconds(plan.LingerSeconds);
        while (state is not null && time.GetUtcNow() + lingerInterval <= lingerUntil)
        {
            CheckDeleting(wait.BrokerName, state);
            await Task.Delay(lingerInterval, time, cancellationToken);
            state = await StateAsync();
        }
        if (state is null)
            return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, WaitPhases.Recreate, "DELETED", false, poll, plan, since, plan.MinWaitSeconds, Recreation: wait.Recreation);
        CheckDeleting(wait.BrokerName, state);
        var elapsed = time.GetUtcNow() - since;
        if (poll >= plan.MaxPolls || elapsed.TotalSeconds >= plan.TimeoutSeconds)
            throw new BrokerWaitTimedOutException(wait.BrokerName, state, poll, elapsed);
        return new BrokerWaitStatus(wait.BrokerName, wait.BrokerId, wait.Phase, state, false, poll, plan, since,
            plan.NextWaitSeconds(wait.Phase, elapsed), Recreation: wait.Recreation);
    }

    /// <summary>Being deleted, or (just after the call) still CREATION_FAILED: wait; anything else is not the broker nob deleted.</summary>
    static void CheckDeleting(string brokerName, string state)
    {
        if (state is not (BrokerStates.DeletionInProgress or BrokerStates.CreationFailed))
            throw new BrokerNotUsableException(brokerName, $"it is {state} while nob waited for its deletion, to create it again");
    }

    /// <summary>RUNNING: true; creating or rebooting: false; any other state fails the wait by name.</summary>
    static bool IsReady(string brokerName, BrokerDescription broker) => broker.BrokerState switch
    {
        BrokerStates.Running => true,
        BrokerStates.CreationInProgress or BrokerStates.RebootInProgress => false,
        BrokerStates.CreationFailed => throw new BrokerCreationFailedException(brokerName, broker.BrokerId),
        BrokerStates.CriticalActionRequired => throw new BrokerNotUsableException(brokerName,
            $"CRITICAL_ACTION_REQUIRED ({(broker.ActionsRequired.Count == 0 ? "no action code given" : string.Join(", ", broker.ActionsRequired))})"),
        BrokerStates.DeletionInProgress => throw new BrokerNotUsableException(brokerName, "it is being deleted"),
        BrokerStates.Replica => throw new BrokerNotUsableException(brokerName, "it is a cross-region replica (REPLICA), which cannot own network connectors"),
        _ => throw new BrokerNotUsableException(brokerName, $"unknown state {broker.BrokerState}"),
    };
}

/// <summary>
/// Plan with real endpoints: describe every broker, then run the planner. Also decides how many brokers WriteRevisions
/// may reboot at once (the reboot stage's concurrency): a network whose brokers this build created carries no traffic yet, so
/// all of them at once; a network with a broker it adopted may be live, so a few at a time.
/// </summary>
public sealed class PlanNetworkStep(IBrokerService brokers)
{
    /// <summary>Brokers rebooted at once when any was adopted: a live network keeps most of its brokers up.</summary>
    public const int LiveNetworkRebootConcurrency = 10;

    /// <summary>Brokers rebooted at once when this build created all of them: every broker of the largest network a spec
    /// allows, in one wave; the burst of Amazon MQ calls relies on the clients' throttling retries, as EnsureBrokers' creations do.</summary>
    public const int NewNetworkRebootConcurrency = Specs.SpecReader.MaxBrokersPerNetwork;

    public async Task<NetworkPlanResult> RunAsync(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, CancellationToken cancellationToken)
    {
        var descriptions = new Dictionary<string, BrokerDescription>(StringComparer.Ordinal);
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.FirstOrDefault(e => e.BrokerName == broker.Name)?.BrokerId ?? throw new BrokerMissingException(broker.Name);
            descriptions[broker.Name] = await brokers.DescribeBrokerAsync(id, cancellationToken);
        }
        var allNew = ensured.Count > 0 && ensured.All(e => e.Created);
        return FromDescriptions(spec, descriptions) with { RebootConcurrency = allNew ? NewNetworkRebootConcurrency : LiveNetworkRebootConcurrency };
    }

    /// <summary>The plan from the brokers' descriptions (keyed by broker name); the drift check uses it too.</summary>
    public static NetworkPlanResult FromDescriptions(NetworkSpec spec, IReadOnlyDictionary<string, BrokerDescription> descriptions)
    {
        var result = new NetworkPlanResult(spec.NetworkName, [.. spec.Brokers.Select(b =>
        {
            var d = descriptions[b.Name];
            return new BrokerWork(b.Name, d.BrokerId, d.PubliclyAccessible, d.SecurityGroups,
                [.. d.Instances.Select(i => i.IpAddress).OfType<string>()], d.OpenWireEndpoints, d.StompEndpoints);
        })]);
        result.Plan(spec); // fails here, by name, if an endpoint is missing or malformed
        return result;
    }
}

/// <summary>
/// Open ingress, as the tutorial's step 1: on each connector's target, TCP 61617 from the source broker's security
/// group when both are private in one VPC, otherwise from each source instance's IP as /32. Never 0.0.0.0/0.
/// With a verifier security group, also STOMP (61614) from it on every broker, so the verify function can reach them.
/// </summary>
/// <summary>Where bridge verification connects from.</summary>
public sealed record VerifierSource(string? SecurityGroupId, IReadOnlyList<string> PublicCidrs);

public sealed class OpenIngressStep(ISecurityGroupService securityGroups)
{
    public const int OpenWirePort = 61617;
    public const int StompPort = 61614;

    /// <param name="verifier">Where the verify function connects from: its security group (private brokers) and, for
    /// public brokers, the public addresses its traffic leaves the VPC with (NAT gateway IPs).</param>
    public async Task<IngressResult> RunAsync(NetworkSpec spec, NetworkPlanResult plan, VerifierSource? verifier, CancellationToken cancellationToken)
    {
        VerifierCidrs.Check(verifier);
        var rules = await DesiredRulesAsync(spec, plan, verifier, cancellationToken);
        var outcomes = new List<IngressRuleOutcome>();
        foreach (var rule in rules)
        {
            outcomes.Add(new IngressRuleOutcome(rule, await securityGroups.AuthorizeIngressAsync(rule, cancellationToken)));
        }
        return new IngressResult(outcomes);
    }

    /// <summary>Every description nob gives a rule starts with this, so teardown can find exactly the rules nob added.</summary>
    public static string DescriptionPrefix(string networkName) => $"nob {networkName} ";

    /// <summary>Every rule the network needs: the connectors' OpenWire rules and, with a verifier, its STOMP rules.</summary>
    public async Task<IReadOnlyList<IngressRule>> DesiredRulesAsync(NetworkSpec spec, NetworkPlanResult plan, VerifierSource? verifier, CancellationToken cancellationToken)
    {
        var rules = (await PlanRulesAsync(spec, plan, cancellationToken)).ToList();
        if (verifier is not null)
        {
            var description = $"{DescriptionPrefix(plan.NetworkName)}bridge verification (STOMP)";
            foreach (var broker in plan.Brokers)
            {
                foreach (var group in broker.SecurityGroups)
                {
                    if (!broker.PubliclyAccessible && verifier.SecurityGroupId is { } source)
                        rules.Add(new IngressRule(group, StompPort, null, source, description));
                    if (broker.PubliclyAccessible)
                        rules.AddRange(verifier.PublicCidrs.Select(cidr => new IngressRule(group, StompPort, cidr, null, description)));
                }
            }
            rules = rules.DistinctBy(r => (r.SecurityGroupId, r.Port, r.SourceCidr, r.SourceSecurityGroupId)).ToList();
        }
        return rules;
    }

    public async Task<IReadOnlyList<IngressRule>> PlanRulesAsync(NetworkSpec spec, NetworkPlanResult plan, CancellationToken cancellationToken)
    {
        var byName = plan.Brokers.ToDictionary(b => b.BrokerName, StringComparer.Ordinal);
        var allGroups = plan.Brokers.SelectMany(b => b.SecurityGroups).Distinct(StringComparer.Ordinal).ToList();
        var vpcs = allGroups.Count == 0 ? new Dictionary<string, string>() : await securityGroups.GetVpcIdsAsync(allGroups, cancellationToken);
        var rules = new List<IngressRule>();
        foreach (var connector in plan.Plan(spec).Connectors)
        {
            var source = byName[connector.Owner];
            var target = byName[connector.Target];
            var description = Truncate($"{DescriptionPrefix(plan.NetworkName)}{connector.Name}", 255);
            foreach (var group in target.SecurityGroups)
            {
                var sameVpcGroup = !source.PubliclyAccessible && !target.PubliclyAccessible
                    ? source.SecurityGroups.FirstOrDefault(g => vpcs.TryGetValue(g, out var v) && vpcs.TryGetValue(group, out var t) && v == t)
                    : null;
                if (sameVpcGroup is not null)
                {
                    rules.Add(new IngressRule(group, OpenWirePort, null, sameVpcGroup, description));
                    continue;
                }
                if (source.IpAddresses.Count == 0)
                    throw new BrokerNotUsableException(source.BrokerName, "it reports no instance IP address, so no ingress rule can name it");
                rules.AddRange(source.IpAddresses.Select(ip => new IngressRule(group, OpenWirePort, $"{ip}/32", null, description)));
            }
        }
        return rules.DistinctBy(r => (r.SecurityGroupId, r.Port, r.SourceCidr, r.SourceSecurityGroupId)).ToList();
    }

    static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>
/// Write connector revision: on the newest revision of the broker's configuration write the next one only when it
/// changes, refuse any Amazon MQ warning, make it pending, as a compare-and-swap (<see cref="ConfigurationRevisionWriter"/>:
/// a revision someone else writes meanwhile is merged, not dropped); ensure the common user exists.
/// </summary>
public sealed class WriteConnectorRevisionStep(IBrokerService brokers, IParameterStore parameters)
{
    public async Task<RevisionResult> RunAsync(NetworkSpec spec, NetworkPlanResult plan, string brokerName, CancellationToken cancellationToken)
    {
        var work = plan.Brokers.FirstOrDefault(b => b.BrokerName == brokerName) ?? throw new BrokerMissingException(brokerName);
        var connectors = plan.Plan(spec).Broker(brokerName).Connectors;
        var broker = await brokers.DescribeBrokerAsync(work.BrokerId, cancellationToken);
        var written = await new ConfigurationRevisionWriter(brokers).WriteAsync(work.BrokerName, broker,
            xml => ConnectorConfigurationWriter.Write(work.BrokerName, xml, spec.NetworkName, connectors),
            $"nob {spec.NetworkName}: {connectors.Count} network connector(s)", cancellationToken);
        var revision = written.Revision;
        var target = written.Target;

        // The common user has the parameter's current password: created when missing, updated when the broker's
        // nob:password-version tag names another version (rotation), then tagged. Either change waits for the reboot;
        // a tag written before a reboot that then failed is caught by the user's pending change on the next run.
        var (userCreated, passwordUpdated) = (false, false);
        var password = await parameters.GetSecureStringWithVersionAsync(spec.User.PasswordParameter, cancellationToken);
        var users = await brokers.ListUsernamesAsync(work.BrokerId, cancellationToken);
        if (!users.Contains(spec.User.Username, StringComparer.Ordinal))
        {
            await brokers.CreateUserAsync(work.BrokerId, spec.User.Username, password.Value, cancellationToken);
            userCreated = true;
        }
        else if (!EnsureBrokerStep.HasPasswordVersion(broker, password.Version))
        {
            await brokers.UpdateUserPasswordAsync(work.BrokerId, spec.User.Username, password.Value, cancellationToken);
            passwordUpdated = true;
        }
        if (!EnsureBrokerStep.HasPasswordVersion(broker, password.Version))
        {
            await brokers.TagBrokerAsync(broker.BrokerArn,
                new Dictionary<string, string> { [EnsureBrokerStep.PasswordVersionTag] = EnsureBrokerStep.PasswordVersion(password.Version) }, cancellationToken);
        }

        var rebootRequired = target != broker.CurrentConfiguration || userCreated || passwordUpdated || broker.UsersWithPendingChanges.Count > 0;
        return new RevisionResult(work.BrokerName, work.BrokerId, target.Id, target.Revision, written.Written, rebootRequired,
            revision.AddedConnectors, revision.RemovedConnectors, revision.UpdatedConnectors, userCreated, written.Attempts, passwordUpdated);
    }
}

/// <summary>
/// Reboot a broker that has a pending change, then hand over to the wait loop, whose Wait state sleeps first; the loop
/// carries the revision nob set, which the broker must run once RUNNING again (<see cref="BrokerRevisionMismatchException"/>).
/// </summary>
public sealed class RebootBrokerStep(IBrokerService brokers, TimeProvider time)
{
    public Task<BrokerWaitStatus> RunAsync(RevisionResult revision, PollPlan polling, CancellationToken cancellationToken) =>
        RunAsync(revision, polling, listed: null, cancellationToken);

    /// <param name="listed">The broker's state in the stage's ListBrokers of this turn, if it was listed: RUNNING reboots
    /// without describing it first; anything else is decided on a DescribeBroker.</param>
    public async Task<BrokerWaitStatus> RunAsync(RevisionResult revision, PollPlan polling, string? listed, CancellationToken cancellationToken)
    {
        var state = listed == BrokerStates.Running ? listed : (await brokers.DescribeBrokerAsync(revision.BrokerId, cancellationToken)).BrokerState;
        if (state == BrokerStates.Running)
        {
            await brokers.RebootBrokerAsync(revision.BrokerId, cancellationToken);
        }
        else if (state != BrokerStates.RebootInProgress)
        {
            throw new BrokerNotUsableException(revision.BrokerName, $"it is {state}; a broker reboots only when RUNNING");
        }
        var now = time.GetUtcNow();
        return new BrokerWaitStatus(revision.BrokerName, revision.BrokerId, WaitPhases.Reboot, BrokerStates.RebootInProgress, false, 0, polling,
            now, polling.NextWaitSeconds(WaitPhases.Reboot, TimeSpan.Zero), new ConfigurationRef(revision.ConfigurationId, revision.Revision), WaitStarted: now);
    }
}

/// <summary>Summarize: brokers with endpoints and console URLs, connectors, revisions, ingress, verification. No secrets.</summary>
public sealed class SummarizeStep(IBrokerService brokers, TimeProvider time)
{
    /// <param name="startedAt">When the execution started (the context object's Execution.StartTime), for the elapsed time.</param>
    public async Task<NetworkSummary> RunAsync(NetworkSpec spec, IReadOnlyList<EnsuredBroker> ensured, NetworkPlanResult plan,
        IngressResult ingress, IReadOnlyList<RevisionResult> revisions, VerificationResult verification, DateTimeOffset? startedAt,
        CancellationToken cancellationToken)
    {
        var lines = new List<BrokerSummaryLine>();
        foreach (var broker in spec.Brokers)
        {
            var id = ensured.First(e => e.BrokerName == broker.Name);
            var description = await brokers.DescribeBrokerAsync(id.BrokerId, cancellationToken);
            var revision = revisions.FirstOrDefault(r => r.BrokerName == broker.Name);
            lines.Add(new BrokerSummaryLine(broker.Name, id.BrokerId, description.BrokerState, id.Created, description.OpenWireEndpoints, description.StompEndpoints,
                [.. description.Instances.Select(i => i.ConsoleUrl).OfType<string>()], description.CurrentConfiguration?.Revision,
                revision?.RebootRequired ?? false));
        }
        var connectors = ConnectorLines(plan.Plan(spec));
        var finishedAt = time.GetUtcNow();
        return new NetworkSummary(spec.NetworkName, lines, connectors, ingress.Rules, verification, startedAt, finishedAt,
            startedAt is { } s ? Math.Round((finishedAt - s).TotalSeconds, 1) : null, Changes(spec, ensured, ingress, revisions));
    }

    /// <summary>The plan's connectors one line each ("A &lt;==&gt; B"), as the summary and the stored record show them.</summary>
    public static IReadOnlyList<string> ConnectorLines(NetworkPlan plan) =>
        [.. plan.Connectors.Select(c => $"{c.Owner} {(c.Duplex ? "<==>" : "===>")} {c.Target}")];

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
        // RebootRequired is what RebootBrokerStep acts on: every such broker was rebooted before Summarize runs.
        changes.AddRange(revisions.Where(r => r.RebootRequired).Select(r => $"rebooted {r.BrokerName}"));
        return changes;
    }
}

/// <summary>
/// Verify: for every pair the topology connects, a message sent on one broker must arrive on the other (over STOMP,
/// as the tutorial's last step does with a producer and a consumer). Any failed pair raises
/// <see cref="BridgeVerificationFailedException"/> naming the pair and its likely causes.
/// </summary>
public sealed class VerifyBridgeStep(IParameterStore parameters, IMessageProbe probe, TimeProvider time)
{
    public async Task<VerificationResult> RunAsync(NetworkSpec spec, NetworkPlanResult plan, CancellationToken cancellationToken)
    {
        if (!spec.Verification.Enabled) return new VerificationResult("SKIPPED", "verification.enabled is false", [], null);
        var stomp = plan.Brokers.ToDictionary(b => b.BrokerName, b => b.StompEndpoints, StringComparer.Ordinal);
        var password = await parameters.GetSecureStringAsync(spec.User.PasswordParameter, cancellationToken);
        var request = BridgeVerificationRequest.For(plan.Plan(spec), stomp, spec.User.Username, password);
        var options = BridgeVerificationOptions.For(spec.Verification) with { TimeProvider = time };
        var report = await new BridgeVerifier(probe, options).VerifyAsync(request, cancellationToken);
        var pairs = report.Pairs
            .Select(p => PairLine(p.Sender, p.Receiver, p.Path, Math.Round(p.Latency?.TotalMilliseconds ?? 0)))
            .ToList();
        var slowest = report.Pairs.Count == 0 ? (double?)null : Math.Round(report.Pairs.Max(p => p.Latency?.TotalMilliseconds ?? 0), 1);
        return new VerificationResult("PASSED", $"{pairs.Count} pair(s) carried a message across the network", pairs, slowest);
    }

    /// <summary>A verified pair's line in the result ("A -> B: 12 ms via H"); <see cref="StateBudget"/> sizes the state by it.</summary>
    public static string PairLine(string sender, string receiver, IReadOnlyList<string> path, double milliseconds) =>
        $"{sender} -> {receiver}: {milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} ms{(path.Count > 2 ? $" via {string.Join(", ", path.Skip(1).SkipLast(1))}" : "")}";
}
