using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>What the build's slow path leaves for the steps after it (Verify, Summarize, StoreNetwork).</summary>
public sealed record BuiltNetwork(IReadOnlyList<EnsuredBroker> Brokers, NetworkPlanResult Plan, IngressResult Ingress, IReadOnlyList<RevisionResult> Revisions);

/// <summary>
/// What the Core step tests share: Amazon MQ, EC2 and SSM as fakes (the tutorial's password stored), the verifier's
/// group, and the build's slow path over them as the ASL runs it.
/// </summary>
public abstract class StepsOverFakes
{
    protected const string Password = "correct-horse-battery";
    protected static readonly CancellationToken None = CancellationToken.None;
    protected readonly FakeBrokerService mq = new();
    protected readonly FakeSecurityGroups ec2 = new();
    protected readonly FakeParameters ssm = new();
    protected readonly VerifierSource verifier = new("sg-verify", []);

    protected StepsOverFakes() => ssm.Values["/nob/tutorial/password"] = Password;

    /// <summary>Ensure every broker (each RUNNING at once), plan, open ingress, write every revision and reboot where it needs one.</summary>
    protected Task<BuiltNetwork> SlowPathAsync(NetworkSpec spec) => SlowPathAsync(spec, verifier);

    /// <inheritdoc cref="SlowPathAsync(NetworkSpec)"/>
    /// <param name="ingressVerifier">The verifier OpenIngress opens for (null: none, no rules for it).</param>
    protected async Task<BuiltNetwork> SlowPathAsync(NetworkSpec spec, VerifierSource? ingressVerifier)
    {
        var ensured = new List<EnsuredBroker>();
        foreach (var b in spec.Brokers) ensured.Add(await new EnsureBrokerStep(mq, ssm).RunAsync(spec, b.Name, None));
        foreach (var b in mq.Brokers.Values.Where(b => b.State == BrokerStates.CreationInProgress)) b.State = BrokerStates.Running;
        var plan = await new PlanNetworkStep(mq).RunAsync(spec, ensured, None);
        var ingress = await new OpenIngressStep(ec2).RunAsync(spec, plan, ingressVerifier, None);
        var revisions = new List<RevisionResult>();
        foreach (var b in spec.Brokers)
        {
            var revision = await new WriteConnectorRevisionStep(mq, ssm).RunAsync(spec, plan, b.Name, None);
            if (revision.RebootRequired)
            {
                await new BrokerReboot(mq, TimeProvider.System).RunAsync(revision, PollPlan.For(new PollingSpec(30, 60), 2), None);
                mq.FinishReboot(revision.BrokerId);
            }
            revisions.Add(revision);
        }
        return new BuiltNetwork(ensured, plan, ingress, revisions);
    }
}
