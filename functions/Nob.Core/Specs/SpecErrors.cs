namespace Nob.Core.Specs;

/// <summary>The problems found while reading one spec, in the order found; a path of "" is the spec itself ("$").</summary>
internal sealed class SpecErrors
{
    public List<SpecError> List { get; } = [];

    public void Add(string path, string message) => List.Add(new SpecError(path.Length == 0 ? "$" : path, message));
}
