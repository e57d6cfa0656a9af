using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Functions;

// The lifecycle workflows' handlers (store after a build, drift check, teardown): thin, like Handlers.cs.

public sealed class StoreNetworkFunction(INetworkStore networks, TimeProvider time)
{
    public StoreNetworkFunction() : this(Composition.Networks, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.StoreNetworkRequest, LifecycleJson.Default.StoredNetwork, request =>
    {
        if (request.Plan is null) throw new StepInputException("the store step has no plan");
        var specJson = request.Spec.GetRawText();
        return new StoreNetworkStep(networks, time).RunAsync(SpecMemo.ReadValid(specJson), specJson, request.Plan, request.Brokers, request.ExecutionName,
            CancellationToken.None);
    });
}

public sealed class ListNetworksFunction(INetworkStore networks)
{
    public ListNetworksFunction() : this(Composition.Networks) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.ListNetworksRequest, LifecycleJson.Default.ListNetworksResponse,
        async request => new ListNetworksResponse(
            await new ListNetworksStep(networks).RunAsync(request.NetworkName, CancellationToken.None), request.Verify ?? true, request.Repair ?? false));
}

public sealed class CheckDriftFunction(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore networks, VerifierSource? verifier, TimeProvider time)
{
    public CheckDriftFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Networks, Composition.Verifier, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.NetworkNameRequest, LifecycleJson.Default.CheckDriftResponse,
        async request =>
        {
            var check = await new CheckDriftStep(brokers, securityGroups, networks, verifier, time).RunAsync(request.NetworkName, CancellationToken.None);
            return new CheckDriftResponse(check.NetworkName, LifecycleJson.Object(check.SpecJson), check.Plan, check.Report);
        });
}

public sealed class ReportDriftFunction(TimeProvider time)
{
    public ReportDriftFunction() : this(TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.ReportDriftRequest, LifecycleJson.Default.DriftReport, request =>
    {
        var error = request.VerificationError is { } e ? (e.Error, e.Cause) : ((string?, string?)?)null;
        return new ReportDriftStep(time).Run(request.Report, request.Verification, error);
    });
}

public sealed class PlanTeardownFunction(INetworkStore networks, IBrokerService brokers)
{
    public PlanTeardownFunction() : this(Composition.Networks, Composition.Brokers) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.PlanTeardownRequest, LifecycleJson.Default.PlanTeardownResponse,
        async request =>
        {
            var plan = await new PlanTeardownStep(networks, brokers).RunAsync(
                request.NetworkName, StepSpec.ReadGiven(request.Spec), CancellationToken.None, StepSpec.ReadPolling(request.Polling));
            return new PlanTeardownResponse(plan.NetworkName, LifecycleJson.Object(plan.SpecJson), plan.Brokers, plan.Polling, plan.Stored);
        });
}

public sealed class RevokeIngressFunction(IBrokerService brokers, ISecurityGroupService securityGroups, INetworkStore networks, VerifierSource? verifier)
{
    public RevokeIngressFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Networks, Composition.Verifier) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.RevokeIngressRequest, LifecycleJson.Default.RevokeIngressResponse,
        async request =>
        {
            var spec = StepSpec.Read(request.Spec);
            if (spec.NetworkName != request.NetworkName)
                throw new StepInputException($"the spec is for network \"{spec.NetworkName}\", not \"{request.NetworkName}\"");
            var revoked = await new RevokeIngressStep(brokers, securityGroups, networks, verifier).RunAsync(spec, CancellationToken.None, request.Brokers);
            return new RevokeIngressResponse(spec.NetworkName, revoked);
        });
}

public sealed class TeardownBrokerFunction(IBrokerService brokers, INetworkStore networks, TimeProvider time)
{
    public TeardownBrokerFunction() : this(Composition.Brokers, Composition.Networks, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.BrokerTeardown, LifecycleJson.Default.BrokerTeardownStatus, turn =>
    {
        // Missing members read as null (constructor parameters are not required): say which, not a NullReferenceException.
        if (turn.Polling is null) throw new StepInputException("the teardown turn has no polling plan");
        if (turn.Phase is not (null or WaitPhases.Creation or WaitPhases.Reboot or WaitPhases.Deletion))
            throw new StepInputException($"the teardown turn's phase \"{turn.Phase}\" is not {WaitPhases.Creation}, {WaitPhases.Reboot} or {WaitPhases.Deletion}");
        return new TeardownBrokerStep(brokers, networks, time).RunAsync(turn, CancellationToken.None);
    });
}

public sealed class FinishTeardownFunction(INetworkStore networks)
{
    public FinishTeardownFunction() : this(Composition.Networks) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, LifecycleJson.Default.NetworkNameRequest, LifecycleJson.Default.FinishTeardownResponse,
        async request => new FinishTeardownResponse(request.NetworkName, await new FinishTeardownStep(networks).RunAsync(request.NetworkName, CancellationToken.None)));
}
