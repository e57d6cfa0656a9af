namespace Nob.Aws.Adapters;

/// <summary>
/// The IAM actions an adapter method needs. Tests map the port methods each Lambda calls to these actions and
/// check them against that function's policy in template.yaml, so the policy lists exactly what the code calls.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class IamActionsAttribute(params string[] actions) : Attribute
{
    public IReadOnlyList<string> Actions { get; } = actions;
}
