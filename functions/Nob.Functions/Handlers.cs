using Nob.Core.Lifecycle;
using Nob.Core.Verification;
using Nob.Core.Workflow;

namespace Nob.Functions;

// One class per workflow step. Each handler only translates the step's JSON and calls the core; a spec is read through
// StepSpec, which reads it through Core's SpecMemo: once per spec text in a warm process.
// Lambda's managed runtime constructs a handler through its public parameterless constructor (wired by the
// composition root); tests use the constructor that takes the ports.

public sealed class ValidateFunction
{
    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.SpecRequest);
        return StepJson.Write(ValidateStep.Run(StepSpec.Read(request.Spec)), StepJson.Default.ValidatedNetwork);
    }
}

/// <summary>The converged fast path: does the network already match the spec? (The ASL falls through to the slow path on any error but a spec error.)</summary>
public sealed class CheckConvergedFunction(IBrokerService brokers, ISecurityGroupService securityGroups, IParameterStore parameters, VerifierSource? verifier)
{
    public CheckConvergedFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Parameters, Composition.Verifier) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.SpecRequest);
        var spec = StepSpec.Read(request.Spec);
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
        var spec = StepSpec.Read(request.Spec);
        var result = await new EnsureBrokerStep(brokers, parameters).RunAsync(spec, request.BrokerName, CancellationToken.None, request.Recreation);
        return StepJson.Write(result, StepJson.Default.EnsuredBroker);
    }
}

/// <summary>One turn of the build's creation stage: checks every broker not yet RUNNING (see <see cref="CreationStageStep"/>).</summary>
public sealed class BrokerStateFunction(IBrokerService brokers, TimeProvider time)
{
    public BrokerStateFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var stage = await StepJson.ReadAsync(input, StepJson.Default.CreationStage);
        // Missing members read as null (constructor parameters are not required): say which, not a NullReferenceException.
        if (stage.Polling is null) throw new StepInputException("the creation stage has no polling plan");
        if (stage.Brokers is null) throw new StepInputException("the creation stage has no brokers");
        foreach (var w in stage.Waits ?? [])
        {
            if (w.Phase is not (WaitPhases.Creation or WaitPhases.DeletionForRecreate or WaitPhases.Recreate))
                throw new StepInputException($"the wait's phase \"{w.Phase}\" is not {WaitPhases.Creation}, {WaitPhases.DeletionForRecreate} or {WaitPhases.Recreate}");
        }
        var status = await new CreationStageStep(brokers, time).RunAsync(stage, CancellationToken.None);
        return StepJson.Write(status, StepJson.Default.CreationStageStatus);
    }
}

public sealed class PlanNetworkFunction(IBrokerService brokers)
{
    public PlanNetworkFunction() : this(Composition.Brokers) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.PlanNetworkRequest);
        var spec = StepSpec.Read(request.Spec);
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
        var spec = StepSpec.Read(request.Spec);
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
        var spec = StepSpec.Read(request.Spec);
        var result = await new WriteConnectorRevisionStep(brokers, parameters).RunAsync(spec, request.Plan, request.BrokerName, CancellationToken.None);
        return StepJson.Write(result, StepJson.Default.RevisionResult);
    }
}

/// <summary>One turn of the build's reboot stage: checks the reboots under way and starts the next ones (see <see cref="RebootStageStep"/>).</summary>
public sealed class RebootBrokerFunction(IBrokerService brokers, TimeProvider time)
{
    public RebootBrokerFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var stage = await StepJson.ReadAsync(input, StepJson.Default.RebootStage);
        if (stage.Polling is null) throw new StepInputException("the reboot stage has no polling plan");
        if (stage.Revisions is null) throw new StepInputException("the reboot stage has no revisions");
        var status = await new RebootStageStep(brokers, time).RunAsync(stage, CancellationToken.None);
        return StepJson.Write(status, StepJson.Default.RebootStageStatus);
    }
}

public sealed class VerifyFunction(IParameterStore parameters, IMessageProbe probe, TimeProvider time)
{
    public VerifyFunction() : this(Composition.Parameters, Composition.MessageProbe, TimeProvider.System) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await StepJson.ReadAsync(input, StepJson.Default.VerifyRequest);
        var spec = StepSpec.Read(request.Spec);
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
        var spec = StepSpec.Read(r.Spec);
        var summary = await new SummarizeStep(brokers, time).RunAsync(spec, r.Brokers, r.Plan, r.Ingress, r.Revisions, r.Verification, r.StartedAt, CancellationToken.None);
        return StepJson.Write(summary, StepJson.Default.NetworkSummary);
    }
}
