using Nob.Core.Specs;

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
