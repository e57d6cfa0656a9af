using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>Whether a broker that already has a spec's broker name can be that broker: EnsureBroker and the converged check ask.</summary>
public static class BrokerAdoption
{
    /// <summary>Throws <see cref="BrokerNotUsableException"/> when an existing broker cannot be part of the network.</summary>
    public static void Check(BrokerSpec wanted, BrokerSummary existing)
    {
        if (existing.EngineType is { } engine && !engine.Equals("ACTIVEMQ", StringComparison.OrdinalIgnoreCase))
            throw new BrokerNotUsableException(wanted.Name, $"it exists with engine {engine}; networks of brokers need ActiveMQ");
        if (existing.DeploymentMode is { } mode && mode != wanted.DeploymentMode)
            throw new BrokerNotUsableException(wanted.Name, $"it exists as {mode} but the spec asks for {wanted.DeploymentMode}; change the spec or use another name");
        if (existing.BrokerState is BrokerStates.DeletionInProgress)
            throw new BrokerNotUsableException(wanted.Name, "it is being deleted");
    }
}
