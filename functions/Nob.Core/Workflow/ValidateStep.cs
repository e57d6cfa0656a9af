using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>Validate: a bad spec fails the execution at once with every error (<see cref="InvalidSpecException"/>, raised by
/// the reading of the spec before this runs); a valid one gives the state machine its fan-out and wait schedule.</summary>
public static class ValidateStep
{
    public static ValidatedNetwork Run(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new ValidatedNetwork(spec.NetworkName, [.. spec.Brokers.Select(b => b.Name)], PollPlan.For(spec.Polling, spec.Brokers.Count), spec.Verification.Enabled);
    }
}
