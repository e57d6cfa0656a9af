using System.Text.Json.Nodes;
using Nob.Core.Specs;

namespace Nob.Cli.Bench;

/// <summary>A network the benchmark builds: a name for <c>--sizes</c>, and its spec.</summary>
public sealed record BenchNetwork(string Size, string Topology, IReadOnlyList<string> Brokers, string SpecJson)
{
    public string NetworkName => (string)JsonNode.Parse(SpecJson)!["networkName"]!;
}

/// <summary>
/// The benchmark networks: the tutorial pair, a 5-broker hub-and-spoke, a 10- and a 21-broker mesh, and (only when asked
/// for: 41 JVMs take minutes and most of the memory of a small machine) the largest mesh a spec allows.
/// </summary>
public static class BenchNetworks
{
    /// <summary>What <c>nob bench</c> builds without <c>--sizes</c>.</summary>
    public static readonly IReadOnlyList<string> Sizes = ["tutorial", "hub5", "mesh10", "mesh21"];

    /// <summary>Every size <c>--sizes</c> takes: the default ones and <c>mesh41</c>, 41 brokers with 20 connectors each (<see cref="SpecReader.MaxBrokersPerNetwork"/>).</summary>
    public static readonly IReadOnlyList<string> AllSizes = [.. Sizes, "mesh41"];

    /// <summary>The network for a size name; the tutorial is examples/tutorial.json as it is.</summary>
    public static BenchNetwork For(string size, string repositoryRoot) => size switch
    {
        "tutorial" => new BenchNetwork(size, "source-sink", ["MyBroker1", "MyBroker2"], File.ReadAllText(Path.Combine(repositoryRoot, "examples", "tutorial.json"))),
        "hub5" => Generated(size, new JsonObject { ["type"] = "hub-and-spoke", ["hub"] = "Hub" }, ["Hub", "Spoke1", "Spoke2", "Spoke3", "Spoke4"]),
        "mesh10" => Generated(size, new JsonObject { ["type"] = "mesh" }, Names("Mesh", 10)),
        "mesh21" => Generated(size, new JsonObject { ["type"] = "mesh" }, Names("Mesh", 21)),
        "mesh41" => Generated(size, new JsonObject { ["type"] = "mesh" }, Names("Mesh", SpecReader.MaxBrokersPerNetwork)),
        _ => throw new ArgumentException($"unknown size \"{size}\"; sizes: {string.Join(", ", AllSizes)}"),
    };

    static IReadOnlyList<string> Names(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => $"{prefix}{i:00}")];

    /// <summary>Same broker defaults, connector options and verification as the tutorial; only topology and brokers differ.</summary>
    static BenchNetwork Generated(string size, JsonObject topology, IReadOnlyList<string> brokers)
    {
        var name = $"bench-{size}";
        var spec = new JsonObject
        {
            ["networkName"] = name,
            ["description"] = $"nob bench: {brokers.Count} brokers, {(string)topology["type"]!}.",
            ["topology"] = topology,
            ["brokers"] = new JsonArray([.. brokers.Select(b => (JsonNode)new JsonObject { ["name"] = b })]),
            ["brokerDefaults"] = new JsonObject
            {
                ["engineVersion"] = "5.18",
                ["hostInstanceType"] = "mq.m5.large",
                ["deploymentMode"] = "SINGLE_INSTANCE",
                ["subnetIds"] = new JsonArray("subnet-a"),
                ["securityGroups"] = new JsonArray("sg-1"),
                ["publiclyAccessible"] = false,
            },
            ["user"] = new JsonObject { ["username"] = "benchUser", ["passwordParameter"] = $"/nob/{name}/password" },
            ["connectorOptions"] = new JsonObject { ["duplex"] = true },
            ["polling"] = new JsonObject { ["intervalSeconds"] = 30, ["timeoutMinutes"] = 60 },
            ["verification"] = new JsonObject { ["enabled"] = true, ["timeoutSeconds"] = 30 },
        };
        return new BenchNetwork(size, (string)topology["type"]!, brokers, spec.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
