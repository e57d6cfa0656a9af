using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

/// <summary>Paths in the repository and small builders shared by the tests.</summary>
internal static class Repo
{
    public static string Root => Nob.Testing.Repository.Root;
    public static string Example(string name) => Nob.Testing.Repository.Example(name);
    public static IEnumerable<string> ExampleNames() => Nob.Testing.Repository.ExampleNames();

    public static NetworkSpec Spec(string exampleName) => SpecReader.ReadValid(Example(exampleName));

    public static NetworkPlan Plan(string exampleName)
    {
        var spec = Spec(exampleName);
        return NetworkPlanner.Plan(spec, PlaceholderEndpoints.For(spec));
    }

    /// <summary>Amazon MQ-shaped STOMP endpoints for every broker of a plan: one per instance.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> StompEndpoints(NetworkPlan plan) =>
        plan.Brokers.ToDictionary(
            b => b.Name,
            b => (IReadOnlyList<string>)[.. Enumerable.Range(1, b.Spec.InstanceCount).Select(i => $"stomp+ssl://{b.Name.ToLowerInvariant()}-{i}.mq.example:61614")],
            StringComparer.Ordinal);

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
