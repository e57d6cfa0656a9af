using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

internal static class Repo
{
    public static string Root => Nob.Testing.Repository.Root;
    public static string PathOf(params string[] parts) => Nob.Testing.Repository.PathOf(parts);
    public static string Example(string name) => Nob.Testing.Repository.Example(name);

    /// <summary>template.yaml as a YAML tree; CloudFormation tags (!GetAtt, !Sub, !Ref) stay on their nodes.</summary>
    public static YamlMappingNode Template()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(PathOf("template.yaml")));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    public static YamlMappingNode Resources() => (YamlMappingNode)Template()["Resources"];

    public static IEnumerable<(string Name, YamlMappingNode Properties)> ResourcesOfType(string type) =>
        Resources().Children
            .Where(r => ((YamlScalarNode)((YamlMappingNode)r.Value)["Type"]).Value == type)
            .Select(r => (((YamlScalarNode)r.Key).Value!, (YamlMappingNode)((YamlMappingNode)r.Value)["Properties"]));

    public static IReadOnlyList<string> StateMachineFiles() =>
        Directory.GetFiles(PathOf("statemachine"), "*.asl.json").Order(StringComparer.Ordinal).ToList();

    public static JsonObject Asl(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    /// <summary>Every state of a definition, including those inside Map item processors and Parallel branches.</summary>
    public static IEnumerable<(string Name, JsonObject State)> AllStates(JsonObject definition)
    {
        foreach (var (name, node) in definition["States"]!.AsObject())
        {
            var state = node!.AsObject();
            yield return (name, state);
            if (state["ItemProcessor"] is JsonObject processor)
                foreach (var inner in AllStates(processor)) yield return inner;
            if (state["Branches"] is JsonArray branches)
                foreach (var branch in branches)
                    foreach (var inner in AllStates(branch!.AsObject())) yield return inner;
        }
    }
}
