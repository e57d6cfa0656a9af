namespace Nob.Core.Specs;

/// <summary>How a spec's problems are told to a person (<c>nob plan</c>, the local console): a heading, then one line each.</summary>
public static class SpecErrorText
{
    public static IReadOnlyList<string> Lines(string source, IReadOnlyList<SpecError> errors) =>
        [$"{source}: {errors.Count} problem(s):", .. errors.Select(e => $"  {e}")];
}
