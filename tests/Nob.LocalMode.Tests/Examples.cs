using System.Text.Json.Nodes;

namespace Nob.LocalMode.Tests;

/// <summary>An example spec as these tests build it: the file in examples/, or a copy whose broker names were made unique.</summary>
/// <param name="Name">The example's file name without .json.</param>
/// <param name="SpecPath">What `nob up` is given.</param>
/// <param name="Renamed">Broker name in the example → name in the copy (empty when the example is used as it is).</param>
public sealed record ExampleSpec(
    string Name, string SpecPath, string NetworkName, string Username, IReadOnlyList<string> Brokers, IReadOnlyDictionary<string, string> Renamed)
{
    public override string ToString() => Name;
}

public static class Examples
{
    /// <summary>
    /// Every example these tests cover, the tutorial first (it keeps its broker names and starts the endpoint).
    /// A new file in examples/ must be added here: <see cref="LocalNetworkTests.Examples_EveryFileInTheFolder_IsCoveredByTheseTests"/> fails until it is.
    /// </summary>
    public static readonly IReadOnlyList<string> Covered = ["tutorial", "active-standby", "concentrator", "custom", "hub-and-spoke", "mesh", "tree"];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Covered) data.Add(name);
        return data;
    }

    /// <summary>The example files as they are in the repository, by name.</summary>
    public static IReadOnlyList<string> InFolder() =>
        Directory.GetFiles(Repository.PathOf("examples"), "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The examples in examples/ (in <see cref="Covered"/>'s order, then any others), ready to share one local endpoint:
    /// a broker name another example already uses (tutorial and active-standby both have MyBroker1/MyBroker2) is
    /// renamed to "NETWORK-NAME" in a copy written to <paramref name="folder"/>, everywhere the spec names it.
    /// </summary>
    public static IReadOnlyList<ExampleSpec> ForOneEndpoint(string folder)
    {
        Directory.CreateDirectory(folder);
        var names = Covered.Where(n => File.Exists(Path.Combine(Repository.PathOf("examples"), n + ".json")))
            .Concat(InFolder().Where(n => !Covered.Contains(n))).ToList();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var networks = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ExampleSpec>();
        foreach (var name in names)
        {
            var source = Path.Combine(Repository.PathOf("examples"), name + ".json");
            var spec = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
            var network = (string)spec["networkName"]!;
            if (!networks.Add(network)) throw new InvalidOperationException($"examples/{name}.json reuses the networkName \"{network}\"; the tests need distinct networks");
            var brokers = spec["brokers"]!.AsArray().Select(b => (string)b!["name"]!).ToList();
            var renamed = brokers.Where(b => taken.Contains(b)).ToDictionary(b => b, b => $"{network}-{b}", StringComparer.Ordinal);
            var path = source;
            if (renamed.Count > 0)
            {
                foreach (var broker in spec["brokers"]!.AsArray()) Rename(broker!, renamed);
                spec["topology"] = Rename(spec["topology"]!.DeepClone(), renamed);
                path = Path.Combine(folder, name + ".json");
                File.WriteAllText(path, spec.ToJsonString());
                brokers = brokers.Select(b => renamed.GetValueOrDefault(b, b)).ToList();
            }
            foreach (var b in brokers) taken.Add(b);
            result.Add(new ExampleSpec(name, path, network, (string)spec["user"]!["username"]!, brokers, renamed));
        }
        return result;
    }

    /// <summary>Replaces every string value and property name equal to a renamed broker (whole values only).</summary>
    static JsonNode Rename(JsonNode node, IReadOnlyDictionary<string, string> renamed)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var newKey = renamed.GetValueOrDefault(key, key);
                    var newValue = value is null ? null : Rename(value.DeepClone(), renamed);
                    obj.Remove(key);
                    obj[newKey] = newValue;
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (array[i] is { } item) array[i] = Rename(item.DeepClone(), renamed);
                return array;
            case JsonValue value when value.TryGetValue<string>(out var text) && renamed.TryGetValue(text, out var newName):
                return JsonValue.Create(newName);
            default:
                return node;
        }
    }
}
