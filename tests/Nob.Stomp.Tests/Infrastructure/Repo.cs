using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Stomp.Tests.Infrastructure;

/// <summary>Paths in the repository and plans of its examples.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workflow.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Workflow.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Example(string name) => File.ReadAllText(Path.Combine(Root, "examples", name + ".json"));

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
