using Nob.Core.Specs;

namespace Nob.Cli;

/// <summary>
/// A spec file as the commands read it (<c>nob plan</c>, <c>up</c>, <c>down</c>, <c>drift</c>): read and validated, its
/// problems printed in one way (Core's <see cref="SpecErrorText"/>, as the local console shows them).
/// </summary>
public static class SpecFile
{
    /// <summary>The spec at <paramref name="path"/>, or null when it is not valid, its problems written to <paramref name="stderr"/>.</summary>
    /// <param name="consequence">What the command did not do because of them, for the heading (e.g. "nothing was created").</param>
    public static async Task<ValidSpec?> ReadAsync(string path, TextWriter stderr, string? consequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        var json = await File.ReadAllTextAsync(path, cancellationToken);
        var read = SpecReader.Read(json);
        if (read.Spec is { } spec) return new ValidSpec(json, spec);
        foreach (var line in SpecErrorText.Lines(path, read.Errors, consequence)) await stderr.WriteLineAsync(line);
        return null;
    }
}
