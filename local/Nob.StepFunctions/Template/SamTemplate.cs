using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Nob.StepFunctions;

/// <summary>
/// A Lambda function of the template, as the local runtime needs it. <see cref="Environment"/> holds its variables
/// (Globals.Function's, then its own); a null value is one only AWS can resolve (a reference to another resource).
/// </summary>
public sealed record LambdaFunctionResource(
    string LogicalId,
    string FunctionName,
    string Arn,
    string Handler,
    string Runtime,
    int TimeoutSeconds,
    IReadOnlyDictionary<string, string?> Environment);

/// <summary>A state machine of the template: its definition file and the substitutions CloudFormation would apply.</summary>
public sealed record StateMachineResource(string LogicalId, string Name, string DefinitionPath, IReadOnlyDictionary<string, string> Substitutions);

/// <summary>
/// The parts of a SAM template (template.yaml) the local runner uses: every AWS::Serverless::Function (Handler, Runtime,
/// Timeout, Environment, with Globals.Function applied) and every AWS::Serverless::StateMachine (DefinitionUri and
/// DefinitionSubstitutions). Substitution values may be plain scalars, <c>!GetAtt Fn.Arn</c> of a function (its ARN),
/// or <c>!Ref</c> of a function (its name) or of a template parameter (its Default); anything else is rejected.
/// Functions are named by FunctionName when given, else by their logical id; ARNs use <see cref="Region"/> and
/// <see cref="Account"/>.
/// </summary>
public sealed class SamTemplate
{
    const int LambdaDefaultTimeoutSeconds = 3;

    SamTemplate(string region, string account)
    {
        Region = region;
        Account = account;
    }

    public string Region { get; }
    public string Account { get; }

    /// <summary>By logical id.</summary>
    public IReadOnlyDictionary<string, LambdaFunctionResource> Functions { get; private set; } = new Dictionary<string, LambdaFunctionResource>();

    /// <summary>By logical id.</summary>
    public IReadOnlyDictionary<string, StateMachineResource> StateMachines { get; private set; } = new Dictionary<string, StateMachineResource>();

    public static SamTemplate Load(string path, string region = "us-east-1", string account = "123456789012")
    {
        var full = System.IO.Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), System.IO.Path.GetDirectoryName(full)!, region, account);
    }

    /// <summary>Parses template text; DefinitionUri paths are relative to <paramref name="baseDirectory"/>.</summary>
    public static SamTemplate Parse(string yaml, string baseDirectory, string region = "us-east-1", string account = "123456789012")
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml)) stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new StatesDefinitionException("template: not a YAML mapping");
        var template = new SamTemplate(region, account);
        var resources = Child(root, "Resources") as YamlMappingNode ?? throw new StatesDefinitionException("template: no Resources");
        var globals = Child(Child(root, "Globals"), "Function") as YamlMappingNode;
        var parameters = Child(root, "Parameters") as YamlMappingNode;

        var functions = new Dictionary<string, LambdaFunctionResource>(StringComparer.Ordinal);
        var pendingEnvironments = new Dictionary<string, Dictionary<string, YamlNode>>(StringComparer.Ordinal);
        foreach (var (id, resource) in Resources(resources, "AWS::Serverless::Function"))
        {
            var properties = Child(resource, "Properties") as YamlMappingNode;
            string? Property(string key) => Scalar(Child(properties, key), $"function {id} {key}") ?? Scalar(Child(globals, key), $"Globals.Function {key}");
            var name = Property("FunctionName") ?? id;
            var timeout = Property("Timeout") is { } t
                ? int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : throw new StatesDefinitionException($"template: function {id} Timeout \"{t}\" is not a number of seconds")
                : LambdaDefaultTimeoutSeconds;
            var environment = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var source in new[] { globals, properties })
                if (Child(Child(source, "Environment"), "Variables") is YamlMappingNode variables)
                    foreach (var (key, value) in variables.Children)
                        environment[((YamlScalarNode)key).Value!] = value;
            pendingEnvironments[id] = environment;
            functions[id] = new LambdaFunctionResource(
                id,
                name,
                $"arn:aws:lambda:{region}:{account}:function:{name}",
                Property("Handler") ?? throw new StatesDefinitionException($"template: function {id} has no Handler"),
                Property("Runtime") ?? throw new StatesDefinitionException($"template: function {id} has no Runtime"),
                timeout,
                new Dictionary<string, string?>());
        }
        // Environment values may refer to other functions, so they are resolved once every function is known.
        foreach (var (id, variables) in pendingEnvironments)
        {
            var resolved = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (name, value) in variables)
                resolved[name] = template.TryResolve(value, functions, parameters, out var text) ? text : null;
            functions[id] = functions[id] with { Environment = resolved };
        }
        template.Functions = functions;

        var machines = new Dictionary<string, StateMachineResource>(StringComparer.Ordinal);
        foreach (var (id, resource) in Resources(resources, "AWS::Serverless::StateMachine"))
        {
            var location = $"template resource {id}";
            var properties = Child(resource, "Properties") as YamlMappingNode ?? throw new StatesDefinitionException($"{location}: no Properties");
            if (Child(properties, "Definition") is not null)
                throw new UnsupportedFeatureException("an inline Definition", location, "use DefinitionUri");
            var uriNode = Child(properties, "DefinitionUri");
            var uri = uriNode is YamlScalarNode { Tag.IsEmpty: true } s ? s.Value!
                : throw new UnsupportedFeatureException(uriNode is null ? "a state machine without DefinitionUri" : "a DefinitionUri that is not a local file path", location);
            var substitutions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Child(properties, "DefinitionSubstitutions") is YamlMappingNode subs)
                foreach (var (key, value) in subs.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    substitutions[name] = template.Resolve(value, functions, parameters, $"{location} DefinitionSubstitutions.{name}");
                }
            machines[id] = new StateMachineResource(id, Scalar(Child(properties, "Name"), $"{location} Name") ?? id,
                System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, uri)), substitutions);
        }
        template.StateMachines = machines;
        return template;
    }

    bool TryResolve(YamlNode node, Dictionary<string, LambdaFunctionResource> functions, YamlMappingNode? parameters, out string value)
    {
        try
        {
            value = Resolve(node, functions, parameters, "");
            return true;
        }
        catch (UnsupportedFeatureException)
        {
            value = "";
            return false;
        }
    }

    /// <summary>A substitution value: plain scalar, !GetAtt Function.Arn, !Ref Function or !Ref Parameter (short or long form).</summary>
    string Resolve(YamlNode node, Dictionary<string, LambdaFunctionResource> functions, YamlMappingNode? parameters, string location)
    {
        string tag;
        YamlNode argument;
        if (node is YamlMappingNode { Children.Count: 1 } longForm && ((YamlScalarNode)longForm.Children.Keys.Single()).Value is "Fn::GetAtt" or "Ref")
        {
            tag = ((YamlScalarNode)longForm.Children.Keys.Single()).Value == "Ref" ? "!Ref" : "!GetAtt";
            argument = longForm.Children.Values.Single();
        }
        else
        {
            tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
            argument = node;
        }
        switch (tag)
        {
            case "" or "tag:yaml.org,2002:str" when node is YamlScalarNode plain:
                return plain.Value ?? "";
            case "!GetAtt":
                {
                    var parts = argument switch
                    {
                        YamlScalarNode s when s.Value!.Split('.') is { Length: 2 } p => p,
                        YamlSequenceNode { Children.Count: 2 } seq when seq.Children.All(c => c is YamlScalarNode) => seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToArray(),
                        _ => throw new UnsupportedFeatureException("this form of !GetAtt", location),
                    };
                    if (parts[1] != "Arn" || !functions.TryGetValue(parts[0], out var function))
                        throw new UnsupportedFeatureException($"!GetAtt {parts[0]}.{parts[1]}", location, "only the Arn of a function of the template is resolved");
                    return function.Arn;
                }
            case "!Ref" when argument is YamlScalarNode reference:
                {
                    if (functions.TryGetValue(reference.Value!, out var function)) return function.FunctionName;
                    if (Child(Child(parameters, reference.Value!), "Default") is YamlScalarNode defaultValue) return defaultValue.Value ?? "";
                    throw new UnsupportedFeatureException($"!Ref {reference.Value}", location, "only functions and parameters with a Default are resolved");
                }
            default:
                throw new UnsupportedFeatureException($"the value {(tag.Length > 0 ? tag + " " : "")}{node}", location, "only plain values, !GetAtt Function.Arn and !Ref are resolved");
        }
    }

    static IEnumerable<(string Id, YamlMappingNode Resource)> Resources(YamlMappingNode resources, string type) =>
        resources.Children
            .Where(r => r.Value is YamlMappingNode m && Child(m, "Type") is YamlScalarNode t && t.Value == type)
            .Select(r => (((YamlScalarNode)r.Key).Value!, (YamlMappingNode)r.Value));

    static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    static string? Scalar(YamlNode? node, string location) => node switch
    {
        null => null,
        YamlScalarNode { Tag.IsEmpty: true } s => s.Value,
        YamlScalarNode s when s.Tag.Value.StartsWith("tag:yaml.org", StringComparison.Ordinal) => s.Value,
        _ => throw new UnsupportedFeatureException($"the value {node}", location, "only plain values are resolved here"),
    };
}
