using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nob.StepFunctions;

/// <summary>
/// An AWS::Serverless::Api of the template: its name, stage, the stage variables the template resolves here, and its
/// OpenAPI <c>DefinitionBody</c> as JSON with the intrinsic functions inside it resolved (as CloudFormation would before
/// API Gateway imports it).
/// </summary>
public sealed record ServerlessApiResource(
    string LogicalId,
    string Name,
    string StageName,
    JsonObject DefinitionBody,
    IReadOnlyDictionary<string, string> StageVariables);

public sealed partial class SamTemplate
{
    Lazy<IReadOnlyDictionary<string, ServerlessApiResource>> apis = new(() => new Dictionary<string, ServerlessApiResource>());

    /// <summary>
    /// Every AWS::Serverless::Api by logical id, read on first use (a template whose APIs use what is not resolved here
    /// still runs its state machines). Only an inline <c>DefinitionBody</c> is read; intrinsics inside it are resolved as
    /// the state machines' substitutions are, anything else is rejected. A stage variable whose value only AWS resolves
    /// (a condition, another kind of resource) is left out.
    /// </summary>
    public IReadOnlyDictionary<string, ServerlessApiResource> Apis => apis.Value;

    static Dictionary<string, ServerlessApiResource> ReadApis(YamlMappingNode resources, Resolver names)
    {
        var apis = new Dictionary<string, ServerlessApiResource>(StringComparer.Ordinal);
        foreach (var (id, resource) in Resources(resources, "AWS::Serverless::Api"))
        {
            var location = $"template resource {id}";
            var properties = Child(resource, "Properties") as YamlMappingNode ?? throw new StatesDefinitionException($"{location}: no Properties");
            var body = Child(properties, "DefinitionBody") as YamlMappingNode
                ?? throw new UnsupportedFeatureException(Child(properties, "DefinitionUri") is null ? "an API without DefinitionBody" : "an API defined by DefinitionUri", location, "give the OpenAPI definition inline as DefinitionBody");
            var stage = Child(properties, "StageName") is { } s ? names.Resolve(s, $"{location} StageName") : throw new StatesDefinitionException($"{location}: no StageName");
            var name = Child(properties, "Name") is { } n ? names.Resolve(n, $"{location} Name") : id;
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Child(properties, "Variables") is YamlMappingNode given)
                foreach (var (key, value) in given.Children)
                    if (names.TryResolve(value, out var text)) variables[((YamlScalarNode)key).Value!] = text;
            apis[id] = new ServerlessApiResource(id, name, stage, (JsonObject)ToJson(body, names, $"{location} DefinitionBody")!, variables);
        }
        return apis;
    }

    /// <summary>YAML to JSON: plain scalars typed as YAML's core schema does (bool, null, numbers), intrinsics resolved to strings.</summary>
    static JsonNode? ToJson(YamlNode node, Resolver names, string location)
    {
        switch (node)
        {
            case YamlMappingNode { Children.Count: 1 } m when ((YamlScalarNode)m.Children.Keys.Single()).Value is { } key && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal)):
                return JsonValue.Create(names.Resolve(node, location));
            case YamlMappingNode or YamlSequenceNode or YamlScalarNode when !node.Tag.IsEmpty && !node.Tag.Value.StartsWith("tag:yaml.org", StringComparison.Ordinal):
                return JsonValue.Create(names.Resolve(node, location));
            case YamlMappingNode mapping:
                {
                    var json = new JsonObject();
                    foreach (var (k, v) in mapping.Children)
                    {
                        var name = ((YamlScalarNode)k).Value!;
                        json[name] = ToJson(v, names, $"{location}.{name}");
                    }
                    return json;
                }
            case YamlSequenceNode sequence:
                {
                    var json = new JsonArray();
                    for (var i = 0; i < sequence.Children.Count; i++) json.Add(ToJson(sequence.Children[i], names, $"{location}[{i}]"));
                    return json;
                }
            case YamlScalarNode scalar:
                return scalar.Style is ScalarStyle.Plain ? PlainScalar(scalar.Value ?? "") : JsonValue.Create(scalar.Value ?? "");
            default:
                throw new UnsupportedFeatureException($"the YAML node {node}", location);
        }
    }

    static JsonNode? PlainScalar(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (text.Any(char.IsAsciiDigit) && !text.Contains(' ', StringComparison.Ordinal)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }
}
