using Nob.Core.Planning;
using Nob.Core.Specs;
using Nob.Testing;

namespace Nob.Stomp.Tests.Infrastructure;

/// <summary>Paths in the repository and plans of its examples.</summary>
internal static class Repo
{
    public static string Root => Repository.Root;

    public static string Example(string name) => Repository.Example(name);

    /// <summary>The plan of an example with placeholder endpoints (enough for pairs and paths).</summary>
    public static NetworkPlan Plan(string exampleName)
    {
        var spec = SpecReader.ReadValid(Example(exampleName));
        return NetworkPlanner.Plan(spec, PlaceholderEndpoints.For(spec));
    }

    /// <summary>Amazon MQ-shaped STOMP endpoints for every broker of a plan: one per instance.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> StompEndpoints(NetworkPlan plan) =>
        plan.Brokers.ToDictionary(
            b => b.Name,
            b => (IReadOnlyList<string>)[.. Enumerable.Range(1, b.Spec.InstanceCount).Select(i => $"stomp+ssl://{b.Name.ToLowerInvariant()}-{i}.mq.example:61614")],
            StringComparer.Ordinal);
}
