using System.Text.RegularExpressions;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>
/// The shape of Core that its readers rely on: one step per file, named after it; no step uses another (what several
/// need is a collaborator of its own); the Workflow namespace does not use Lifecycle (Lifecycle builds on Workflow).
/// Read from the source, with comments left out.
/// </summary>
public partial class CoreLayeringTests
{
    static readonly string Core = Repository.PathOf("functions", "Nob.Core");

    static IEnumerable<(string Path, string Code)> Sources(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Core, folder), "*.cs").Select(p => (p, WithoutComments(File.ReadAllText(p))));

    static string WithoutComments(string source) => SourceCode.WithoutComments(source);

    static IReadOnlyList<string> StepsDeclaredIn(string code) =>
        [.. StepDeclaration().Matches(code).Select(m => m.Groups["name"].Value)];

    static IReadOnlyList<(string Path, string Code)> AllSources() => [.. Sources("Workflow"), .. Sources("Lifecycle")];

    [Fact]
    public void Steps_EachStep_HasAFileOfItsOwnName()
    {
        var misplaced = AllSources()
            .SelectMany(s => StepsDeclaredIn(s.Code).Select(step => (step, file: Path.GetFileNameWithoutExtension(s.Path))))
            .Where(x => x.step != x.file)
            .Select(x => $"{x.step} in {x.file}.cs")
            .ToList();

        Assert.NotEmpty(AllSources().SelectMany(s => StepsDeclaredIn(s.Code)));
        Assert.Empty(misplaced);
    }

    [Fact]
    public void Steps_NoStep_UsesAnotherStep()
    {
        var sources = AllSources();
        var steps = sources.SelectMany(s => StepsDeclaredIn(s.Code)).ToHashSet(StringComparer.Ordinal);
        var uses = sources
            .SelectMany(s => StepsDeclaredIn(s.Code).Select(own => (own, s.Code)))
            .SelectMany(x => steps.Where(other => other != x.own && Regex.IsMatch(x.Code, $@"\b{other}\b")).Select(other => $"{x.own} uses {other}"))
            .ToList();

        Assert.True(steps.Count >= 17, $"found only {steps.Count} steps");
        Assert.Empty(uses);
    }

    [Fact]
    public void Namespaces_Workflow_DoesNotUseLifecycle()
    {
        var lifecycleTypes = Sources("Lifecycle").SelectMany(s => TypeDeclaration().Matches(s.Code).Select(m => m.Groups["name"].Value)).ToHashSet(StringComparer.Ordinal);
        var uses = Sources("Workflow")
            .SelectMany(s => lifecycleTypes.Where(t => Regex.IsMatch(s.Code, $@"\b{t}\b")).Select(t => $"{Path.GetFileName(s.Path)} uses {t}")
                .Concat(s.Code.Contains("Nob.Core.Lifecycle", StringComparison.Ordinal) ? [$"{Path.GetFileName(s.Path)} imports Nob.Core.Lifecycle"] : []))
            .ToList();

        Assert.NotEmpty(lifecycleTypes);
        Assert.Empty(uses);
    }


    [GeneratedRegex(@"^(?:public|internal)\s+(?:sealed\s+|static\s+)*(?:class|record)\s+(?<name>\w+Step)\b", RegexOptions.Multiline)]
    private static partial Regex StepDeclaration();

    [GeneratedRegex(@"^(?:public|internal)\s+(?:sealed\s+|static\s+|abstract\s+)*(?:class|record|interface|enum|struct)\s+(?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
