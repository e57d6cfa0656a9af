namespace Nob.Core.Specs;

/// <summary>Thrown where a caller needs a valid spec and got an invalid one.</summary>
public sealed class InvalidSpecException(IReadOnlyList<SpecError> errors)
    : Exception("The network spec is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
