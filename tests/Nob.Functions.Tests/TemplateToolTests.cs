using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nob.Functions.Tests;

/// <summary>
/// The SAM transform of template.yaml, once per test class: scripts/sam-translate.py runs aws-sam-translator (what SAM
/// CLI and CloudFormation's AWS::Serverless transform run) offline, into a temporary JSON template.
/// </summary>
public sealed class TransformedTemplate : IAsyncLifetime
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nob-template-{Guid.NewGuid():N}.json");

    public string? Problem { get; private set; }

    public async Task InitializeAsync()
    {
        Problem = await Tools.EnsurePythonModulesAsync();
        if (Problem is not null) return;
        var result = await Tools.PythonAsync([Repo.PathOf("scripts", "sam-translate.py"), Repo.PathOf("template.yaml"), Path, "us-east-1"], TimeSpan.FromMinutes(3));
        if (result.ExitCode != 0) Problem = $"the SAM transform of template.yaml failed ({result.ExitCode}):\n{result.Output}";
    }

    public Task DisposeAsync()
    {
        File.Delete(Path);
        return Task.CompletedTask;
    }
}

/// <summary>
/// template.yaml checked by the real tools: cfn-lint (errors, warnings and the informational rules) and the SAM transform.
/// An informational finding is accepted only on a resource whose block in template.yaml carries a comment
/// `# cfn-lint RULE: why` for that rule; in the transformed template, on that resource or one SAM generated from it
/// (its logical id starts with the source resource's).
/// </summary>
public sealed partial class TemplateToolTests(TransformedTemplate transformed) : IClassFixture<TransformedTemplate>
{
    internal sealed record Finding(string Rule, string Level, string Message, string? Resource, int Line)
    {
        public override string ToString() => $"{Rule} ({Level}) line {Line} {Resource}: {Message}";
    }

    /// <summary>cfn-lint 1.x through its runner (python3 -m cfnlint has no __main__ in every version), informational rules included, JSON out.</summary>
    static async Task<List<Finding>> CfnLintAsync(string template)
    {
        var result = await Tools.PythonAsync(
            ["-c", "import sys; from cfnlint.runner import main; sys.exit(main())", "--include-checks", "I", "--format", "json", "--", template],
            TimeSpan.FromMinutes(3));
        // Exit codes are bit flags: 2 error, 4 warning, 8 informational; 1 is a failure of cfn-lint itself.
        Assert.True(result.ExitCode is 0 or 2 or 4 or 6 or 8 or 10 or 12 or 14, $"cfn-lint failed to run ({result.ExitCode}):\n{result.Output}");
        using var document = JsonDocument.Parse(result.StandardOutput.Length == 0 ? "[]" : result.StandardOutput);
        return document.RootElement.EnumerateArray().Select(f =>
        {
            var path = f.GetProperty("Location").GetProperty("Path");
            var resource = path.GetArrayLength() >= 2 && path[0].GetString() == "Resources" ? path[1].ToString() : null;
            return new Finding(f.GetProperty("Rule").GetProperty("Id").GetString()!, f.GetProperty("Level").GetString()!, f.GetProperty("Message").GetString()!,
                resource, f.GetProperty("Location").GetProperty("Start").GetProperty("LineNumber").GetInt32());
        }).ToList();
    }

    [GeneratedRegex(@"^  ([A-Za-z0-9]+):\s*$")]
    private static partial Regex ResourceKey();

    [GeneratedRegex(@"#\s*cfn-lint\s+([EWI]\d{4})\s*:\s*\S")]
    private static partial Regex ExplainedRule();

    /// <summary>For each resource of template.yaml, the cfn-lint rules a comment in its block explains.</summary>
    static Dictionary<string, HashSet<string>> ExplainedRules()
    {
        var explained = new Dictionary<string, HashSet<string>>();
        string? current = null;
        var inResources = false;
        foreach (var line in File.ReadLines(Repo.PathOf("template.yaml")))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && !line.StartsWith('#')) { inResources = line.StartsWith("Resources:", StringComparison.Ordinal); current = null; continue; }
            if (!inResources) continue;
            if (ResourceKey().Match(line) is { Success: true } key) { current = key.Groups[1].Value; continue; }
            if (current is not null && ExplainedRule().Match(line) is { Success: true } rule)
                (explained.TryGetValue(current, out var set) ? set : explained[current] = []).Add(rule.Groups[1].Value);
        }
        return explained;
    }

    static void AssertOnlyExplainedInformational(string what, IEnumerable<Finding> findings)
    {
        var list = findings.ToList();
        var blocking = list.Where(f => f.Level is "Error" or "Warning").ToList();
        Assert.True(blocking.Count == 0, $"cfn-lint on {what}:\n{string.Join("\n", blocking)}");
        var explained = ExplainedRules();
        var unexplained = list.Where(f => f.Level == "Informational").Where(f =>
        {
            var source = f.Resource is null ? null : explained.Keys.Where(r => f.Resource.StartsWith(r, StringComparison.Ordinal)).MaxBy(r => r.Length);
            return source is null || !explained[source].Contains(f.Rule);
        }).ToList();
        Assert.True(unexplained.Count == 0, $"cfn-lint on {what}: informational findings with no `# cfn-lint RULE: why` comment in the resource:\n{string.Join("\n", unexplained)}");
    }

    [Fact]
    public async Task CfnLint_Template_HasNoErrorsOrWarningsAndOnlyExplainedInformationalFindings()
    {
        var problem = await Tools.EnsurePythonModulesAsync();
        Assert.True(problem is null, problem);

        AssertOnlyExplainedInformational("template.yaml", await CfnLintAsync(Repo.PathOf("template.yaml")));
    }

    [Fact]
    public async Task CfnLint_TransformedTemplate_HasNoErrorsOrWarningsAndOnlyExplainedInformationalFindings()
    {
        Assert.True(transformed.Problem is null, transformed.Problem);

        AssertOnlyExplainedInformational("the SAM transform of template.yaml", await CfnLintAsync(transformed.Path));
    }

    [Fact]
    public void SamTransform_Template_GivesPlainCloudFormationWithEveryFunctionAndStateMachine()
    {
        Assert.True(transformed.Problem is null, transformed.Problem);
        using var output = JsonDocument.Parse(File.ReadAllText(transformed.Path));
        var resources = output.RootElement.GetProperty("Resources").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("Type").GetString()!);

        Assert.False(output.RootElement.TryGetProperty("Transform", out _), "the transform left its Transform key");
        Assert.DoesNotContain(resources, r => r.Value.StartsWith("AWS::Serverless::", StringComparison.Ordinal));
        foreach (var (name, _) in Repo.ResourcesOfType("AWS::Serverless::Function"))
            Assert.True(resources.TryGetValue(name, out var type) && type == "AWS::Lambda::Function", $"{name} is not an AWS::Lambda::Function after the transform");
        foreach (var (name, _) in Repo.ResourcesOfType("AWS::Serverless::StateMachine"))
            Assert.True(resources.TryGetValue(name, out var type) && type == "AWS::StepFunctions::StateMachine", $"{name} is not an AWS::StepFunctions::StateMachine after the transform");
    }
}
