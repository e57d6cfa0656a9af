using Nob.Core.Specs;
using Nob.Core.Verification;
using Nob.Core.Workflow;

namespace Nob.Functions;

// One class per workflow step. Each handler only translates the step's JSON and calls the core.
// Lambda's managed runtime constructs a handler through its public parameterless constructor (wired by the
// composition root); tests use the constructor that takes the ports.

public sealed class ValidateFunction
{
    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.SpecRequest);
        return StepJson.Write(ValidateStep.Run(request.Spec.GetRawText()), StepJson.Default.ValidatedNetwork);
    }
}

/// <summary>The converged fast path: does the network already match the spec? (The ASL falls through to the slow path on any error but a spec error.)</summary>
public sealed class CheckConvergedFunction(IBrokerService brokers, ISecurityGroupService securityGroups, IParameterStore parameters, VerifierSource? verifier)
{
    public CheckConvergedFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Parameters, Composition.Verifier) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.SpecRequest);
        var spec = SpecReader.ReadValid(request.Spec.GetRawText());
        var check = await new CheckConvergedStep(brokers, securityGroups, parameters, verifier).RunAsync(spec, CancellationToken.None);
        return StepJson.Write(check, StepJson.Default.ConvergedCheck);
    }
}

public sealed class EnsureBrokerFunction(IBrokerService brokers, IParameterStore parameters)
{
    public EnsureBrokerFunction() : this(Composition.Brokers, Composition.Parameters) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.EnsureBrokerRequest);
        var spec = SpecReader.ReadValid(request.Spec.GetRawText());
        var result = await new EnsureBrokerStep(brokers, parameters).RunAsync(spec, request.BrokerName, CancellationToken.None, request.Recreation);
        return StepJson.Write(result, StepJson.Default.EnsuredBroker);
    }
}

public sealed class BrokerStateFunction(IBrokerService brokers, TimeProvider time)
{
    public BrokerStateFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var wait = await StepJson.ReadAsync(input, StepJson.Default.BrokerWait);
        // Missing members read as null (constructor parameters are not required): say which, not a NullReferenceException.
        if (wait.Polling is null) throw new StepInputException("the wait has no polling plan");
        if (wait.Phase is not (WaitPhases.Creation or WaitPhases.Reboot or WaitPhases.DeletionForRecreate))
            throw new StepInputException($"the wait's phase \"{wait.Phase}\" is not {WaitPhases.Creation}, {WaitPhases.Reboot} or {WaitPhases.DeletionForRecreate}");
        var status = await new BrokerStateStep(brokers, time).RunAsync(wait, CancellationToken.None);
        return StepJson.Write(status, StepJson.Default.BrokerWaitStatus);
    }
}

public sealed class PlanNetworkFunction(IBrokerService brokers)
{
    public PlanNetworkFunction() : this(Composition.Brokers) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.PlanNetworkRequest);
        var spec = SpecReader.ReadValid(request.Spec.GetRawText());
        var plan = await new PlanNetworkStep(brokers).RunAsync(spec, request.Brokers, CancellationToken.None);
        return StepJson.Write(plan, StepJson.Default.NetworkPlanResult);
    }
}

public sealed class OpenIngressFunction(ISecurityGroupService securityGroups, VerifierSource? verifier)
{
    public OpenIngressFunction() : this(Composition.SecurityGroups, Composition.Verifier) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.OpenIngressRequest);
        var spec = SpecReader.ReadValid(request.Spec.GetRawText());
        var result = await new OpenIngressStep(securityGroups).RunAsync(spec, request.Plan, verifier, CancellationToken.None);
        return StepJson.Write(result, StepJson.Default.IngressResult);
    }
}

public sealed class WriteConnectorRevisionFunction(IBrokerService brokers, IParameterStore parameters)
{
    public WriteConnectorRevisionFunction() : this(Composition.Brokers, Composition.Parameters) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.WriteRevisionRequest);
        var spec = SpecReader.ReadValid(request.Spec.GetRawText());
        var result = await new WriteConnectorRevisionStep(brokers, parameters).RunAsync(spec, request.Plan, request.BrokerName, CancellationToken.None);
        return StepJson.Write(result, StepJson.Default.RevisionResult);
    }
}

public sealed class RebootBrokerFunction(IBrokerService brokers, TimeProvider time)
{
    public RebootBrokerFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.RebootRequest);
        if (request.Polling is null) throw new StepInputException("the reboot has no polling plan");
        var wait = await new RebootBrokerStep(brokers, time).RunAsync(request.Revision, request.Polling, CancellationToken.None);
        return StepJson.Write(wait, StepJson.Default.BrokerWaitStatus);
    }
}

public sealed class VerifyFunction(IParameterStore parameters, IMessageProbe probe, TimeProvider time)
{
    public VerifyFunction() : this(Composition.Parameters, Composition.MessageProbe, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.VerifyRequest);
        var spec = SpecReader.ReadValid(request.Spec.GetRawText());
        var result = await new VerifyBridgeStep(parameters, probe, time).RunAsync(spec, request.Plan, CancellationToken.None);
        return StepJson.Write(result, StepJson.Default.VerificationResult);
    }
}

public sealed class SummarizeFunction(IBrokerService brokers, TimeProvider time)
{
    public SummarizeFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var r = await StepJson.ReadAsync(input, StepJson.Default.SummarizeRequest);
        var spec = SpecReader.ReadValid(r.Spec.GetRawText());
        var summary = await new SummarizeStep(brokers, time).RunAsync(spec, r.Brokers, r.Plan, r.Ingress, r.Revisions, r.Verification, r.StartedAt, CancellationToken.None);
        return StepJson.Write(summary, StepJson.Default.NetworkSummary);
    }
}
