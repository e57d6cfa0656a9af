

namespace Nob.Core.Specs;

/// <summary>The outcome of reading a spec: either a spec, or every problem found in it.</summary>
public sealed record SpecReadResult(NetworkSpec? Spec, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Spec is not null && Errors.Count == 0;
}
