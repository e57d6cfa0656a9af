namespace Nob.Core.Specs;

/// <summary>How a spec's problems are told to a person (<c>nob plan</c>, <c>up</c>, <c>down</c>, <c>drift</c>, the local console): a heading, then one line each.</summary>
public static class SpecErrorText
{
    /// <param name="consequence">What did not happen because of them, said in the heading (e.g. "nothing was created"); null: nothing said.</param>
    public static IReadOnlyList<string> Lines(string source, IReadOnlyList<SpecError> errors, string? consequence = null) =>
        [$"{source}: {errors.Count} problem(s){(consequence is null ? "" : "; " + consequence)}:", .. errors.Select(e => $"  {e}")];
}
