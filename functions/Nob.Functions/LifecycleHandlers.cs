using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Functions;

// The lifecycle workflows' handlers (store after a build, drift check, teardown): thin, like Handlers.cs.

public sealed class StoreNetworkFunction(INetworkStore networks, TimeProvider time)
{
    public StoreNetworkFunction() : this(Composition.Networks, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.StoreNetworkRequest);
        if (request.Plan is null) throw new StepInputException("the store step has no plan");
        var specJson = request.Spec.GetRawText();
        var stored = await new StoreNetworkStep(networks, time).RunAsync(SpecMemo.ReadValid(specJson), specJson, request.Plan, request.Brokers, request.ExecutionName,
            CancellationToken.None);
        return StepJson.Write(stored, LifecycleJson.Default.StoredNetwork);
    }
}

public sealed class ListNetworksFunction(INetworkStore networks)
{
    public ListNetworksFunction() : this(Composition.Networks) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.ListNetworksRequest);
        var names = await new ListNetworksStep(networks).RunAsync(request.NetworkName, CancellationToken.None);
        return StepJson.Write(new ListNetworksResponse(names, request.Verify ?? true, request.Repair ?? false), LifecycleJson.Default.ListNetworksResponse);
    }
}

public sealed class CheckDriftFunction(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore networks, VerifierSource? verifier, TimeProvider time)
{
    public CheckDriftFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Networks, Composition.Verifier, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.NetworkNameRequest);
        var check = await new CheckDriftStep(brokers, securityGroups, networks, verifier, time).RunAsync(request.NetworkName, CancellationToken.None);
        return StepJson.Write(new CheckDriftResponse(check.NetworkName, LifecycleJson.Object(check.SpecJson), check.Plan, check.Report), LifecycleJson.Default.CheckDriftResponse);
    }
}

public sealed class ReportDriftFunction(TimeProvider time)
{
    public ReportDriftFunction() : this(TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.ReportDriftRequest);
        var error = request.VerificationError is { } e ? (e.Error, e.Cause) : ((string?, string?)?)null;
        var report = new ReportDriftStep(time).Run(request.Report, request.Verification, error);
        return StepJson.Write(report, LifecycleJson.Default.DriftReport);
    }
}

public sealed class PlanTeardownFunction(INetworkStore networks, IBrokerService brokers)
{
    public PlanTeardownFunction() : this(Composition.Networks, Composition.Brokers) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.PlanTeardownRequest);
        var plan = await new PlanTeardownStep(networks, brokers).RunAsync(
            request.NetworkName, StepSpec.ReadGiven(request.Spec), CancellationToken.None, StepSpec.ReadPolling(request.Polling));
        return StepJson.Write(new PlanTeardownResponse(plan.NetworkName, LifecycleJson.Object(plan.SpecJson), plan.Brokers, plan.Polling, plan.Stored),
            LifecycleJson.Default.PlanTeardownResponse);
    }
}

public sealed class RevokeIngressFunction(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore networks, VerifierSource? verifier)
{
    public RevokeIngressFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Networks, Composition.Verifier) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.RevokeIngressRequest);
        var spec = StepSpec.Read(request.Spec);
        if (spec.NetworkName != request.NetworkName)
            throw new StepInputException($"the spec is for network \"{spec.NetworkName}\", not \"{request.NetworkName}\"");
        var revoked = await new RevokeIngressStep(brokers, securityGroups, networks, verifier).RunAsync(spec, CancellationToken.None, request.Brokers);
        return StepJson.Write(new RevokeIngressResponse(spec.NetworkName, revoked), LifecycleJson.Default.RevokeIngressResponse);
    }
}

public sealed class TeardownBrokerFunction(IBrokerService brokers, INetworkStore networks, TimeProvider time)
{
    public TeardownBrokerFunction() : this(Composition.Brokers, Composition.Networks, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var turn = await StepJson.ReadAsync(input, LifecycleJson.Default.BrokerTeardown);
        // Missing members read as null (constructor parameters are not required): say which, not a NullReferenceException.
        if (turn.Polling is null) throw new StepInputException("the teardown turn has no polling plan");
        if (turn.Phase is not (null or WaitPhases.Creation or WaitPhases.Reboot or WaitPhases.Deletion))
            throw new StepInputException($"the teardown turn's phase \"{turn.Phase}\" is not {WaitPhases.Creation}, {WaitPhases.Reboot} or {WaitPhases.Deletion}");
        var status = await new TeardownBrokerStep(brokers, networks, time).RunAsync(turn, CancellationToken.None);
        return StepJson.Write(status, LifecycleJson.Default.BrokerTeardownStatus);
    }
}

public sealed class FinishTeardownFunction(INetworkStore networks)
{
    public FinishTeardownFunction() : this(Composition.Networks) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LifecycleJson.Default.NetworkNameRequest);
        var deleted = await new FinishTeardownStep(networks).RunAsync(request.NetworkName, CancellationToken.None);
        return StepJson.Write(new FinishTeardownResponse(request.NetworkName, deleted), LifecycleJson.Default.FinishTeardownResponse);
    }
}
