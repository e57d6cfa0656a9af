using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

/// <summary>Paths in the repository and small builders shared by the tests.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflow.sln"))) return dir.FullName;
        throw new InvalidOperationException("Workflow.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Example(string name) => File.ReadAllText(Path.Combine(Root, "examples", name + ".json"));

    public static IEnumerable<string> ExampleNames() =>
        Directory.GetFiles(Path.Combine(Root, "examples"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static NetworkSpec Spec(string exampleName) => SpecReader.ReadValid(Example(exampleName));

    public static NetworkPlan Plan(string exampleName)
    {
        var spec = Spec(exampleName);
        return NetworkPlanner.Plan(spec, PlaceholderEndpoints.For(spec));
    }

    /// <summary>A minimal valid spec with the given topology JSON and broker names.</summary>
    public static string SpecJson(string topologyJson, params string[] brokers) => $$"""
        {
          "networkName": "net",
          "topology": {{topologyJson}},
          "brokers": [{{string.Join(", ", brokers.Select(b => $"{{\"name\": \"{b}\"}}"))}}],
          "user": { "username": "user1", "passwordParameter": "/nob/net/password" }
        }
        """;
}
