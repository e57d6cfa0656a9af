using Nob.Core.Specs;

namespace Nob.Core.Lifecycle;

/// <summary>
/// A spec given along with a teardown request, as the handler read it: valid (<see cref="Spec"/>) or not
/// (<see cref="Errors"/>). A teardown uses it only when nothing is stored, and fails on its errors only then.
/// </summary>
/// <param name="Json">The spec as given: what the teardown carries on when it uses this spec.</param>
public sealed record GivenSpec(string Json, NetworkSpec? Spec, IReadOnlyList<SpecError> Errors)
{
    public NetworkSpec Valid => Spec ?? throw new InvalidSpecException(Errors);
}
