using Nob.Core.Lifecycle;
using Nob.Core.Verification;
using Nob.Core.Workflow;

namespace Nob.Functions;

// One class per workflow step. Each handler only translates the step's JSON and calls the core (StepJson.RunAsync); a
// spec is read through StepSpec, which reads it through Core's SpecMemo: once per spec text in a warm process.
// Lambda's managed runtime constructs a handler through its public parameterless constructor (wired by the
// composition root); tests use the constructor that takes the ports.

public sealed class ValidateFunction
{
    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.SpecRequest, StepJson.Default.ValidatedNetwork,
        request => ValidateStep.Run(StepSpec.Read(request.Spec)));
}

/// <summary>The converged fast path: does the network already match the spec? (The ASL falls through to the slow path on any error but a spec error.)</summary>
public sealed class CheckConvergedFunction(IBrokerService brokers, ISecurityGroupService securityGroups, IParameterStore parameters, VerifierSource? verifier)
{
    public CheckConvergedFunction() : this(Composition.Brokers, Composition.SecurityGroups, Composition.Parameters, Composition.Verifier) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.SpecRequest, StepJson.Default.ConvergedCheck,
        request => new CheckConvergedStep(brokers, securityGroups, parameters, verifier).RunAsync(StepSpec.Read(request.Spec), CancellationToken.None));
}

public sealed class EnsureBrokerFunction(IBrokerService brokers, IParameterStore parameters)
{
    public EnsureBrokerFunction() : this(Composition.Brokers, Composition.Parameters) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.EnsureBrokerRequest, StepJson.Default.EnsuredBroker,
        request => new EnsureBrokerStep(brokers, parameters).RunAsync(StepSpec.Read(request.Spec), request.BrokerName, CancellationToken.None, request.Recreation));
}

/// <summary>One turn of the build's creation stage: checks every broker not yet RUNNING (see <see cref="CreationStageStep"/>).</summary>
public sealed class BrokerStateFunction(IBrokerService brokers, TimeProvider time)
{
    public BrokerStateFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.CreationStage, StepJson.Default.CreationStageStatus, stage =>
    {
        // Missing members read as null (constructor parameters are not required): say which, not a NullReferenceException.
        if (stage.Polling is null) throw new StepInputException("the creation stage has no polling plan");
        if (stage.Brokers is null) throw new StepInputException("the creation stage has no brokers");
        foreach (var w in stage.Waits ?? [])
        {
            if (w.Phase is not (WaitPhases.Creation or WaitPhases.DeletionForRecreate or WaitPhases.Recreate))
                throw new StepInputException($"the wait's phase \"{w.Phase}\" is not {WaitPhases.Creation}, {WaitPhases.DeletionForRecreate} or {WaitPhases.Recreate}");
        }
        return new CreationStageStep(brokers, time).RunAsync(stage, CancellationToken.None);
    });
}

public sealed class PlanNetworkFunction(IBrokerService brokers)
{
    public PlanNetworkFunction() : this(Composition.Brokers) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.PlanNetworkRequest, StepJson.Default.NetworkPlanResult,
        request => new PlanNetworkStep(brokers).RunAsync(StepSpec.Read(request.Spec), request.Brokers, CancellationToken.None));
}

public sealed class OpenIngressFunction(ISecurityGroupService securityGroups, VerifierSource? verifier)
{
    public OpenIngressFunction() : this(Composition.SecurityGroups, Composition.Verifier) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.OpenIngressRequest, StepJson.Default.IngressResult,
        request => new OpenIngressStep(securityGroups).RunAsync(StepSpec.Read(request.Spec), request.Plan, verifier, CancellationToken.None));
}

public sealed class WriteConnectorRevisionFunction(IBrokerService brokers, IParameterStore parameters)
{
    public WriteConnectorRevisionFunction() : this(Composition.Brokers, Composition.Parameters) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.WriteRevisionRequest, StepJson.Default.RevisionResult,
        request => new WriteConnectorRevisionStep(brokers, parameters).RunAsync(StepSpec.Read(request.Spec), request.Plan, request.BrokerName, CancellationToken.None));
}

/// <summary>One turn of the build's reboot stage: checks the reboots under way and starts the next ones (see <see cref="RebootStageStep"/>).</summary>
public sealed class RebootBrokerFunction(IBrokerService brokers, TimeProvider time)
{
    public RebootBrokerFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.RebootStage, StepJson.Default.RebootStageStatus, stage =>
    {
        if (stage.Polling is null) throw new StepInputException("the reboot stage has no polling plan");
        if (stage.Revisions is null) throw new StepInputException("the reboot stage has no revisions");
        return new RebootStageStep(brokers, time).RunAsync(stage, CancellationToken.None);
    });
}

public sealed class VerifyFunction(IParameterStore parameters, IMessageProbe probe, TimeProvider time)
{
    public VerifyFunction() : this(Composition.Parameters, Composition.MessageProbe, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.VerifyRequest, StepJson.Default.VerificationResult,
        request => new VerifyBridgeStep(parameters, probe, time).RunAsync(StepSpec.Read(request.Spec), request.Plan, CancellationToken.None));
}

public sealed class SummarizeFunction(IBrokerService brokers, TimeProvider time)
{
    public SummarizeFunction() : this(Composition.Brokers, TimeProvider.System) { }

    public Task<Stream> HandleAsync(Stream input) => StepJson.RunAsync(input, StepJson.Default.SummarizeRequest, StepJson.Default.NetworkSummary,
        r => new SummarizeStep(brokers, time).RunAsync(StepSpec.Read(r.Spec), r.Brokers, r.Plan, r.Ingress, r.Revisions, r.Verification, r.StartedAt, CancellationToken.None));
}
