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

/// <summary>
/// A state machine of the template: its definition file, the substitutions CloudFormation would apply, and its ARN
/// (what <c>!Ref</c> and <c>!GetAtt .Arn</c> give; <see cref="LocalStateMachine.Arn"/> uses the same scheme).
/// </summary>
public sealed record StateMachineResource(string LogicalId, string Name, string DefinitionPath, IReadOnlyDictionary<string, string> Substitutions)
{
    public string Arn { get; init; } = "";
}

/// <summary>
/// The parts of a SAM template (template.yaml) the local runner uses: every AWS::Serverless::Function (Handler, Runtime,
/// Timeout, Environment, with Globals.Function applied) and every AWS::Serverless::StateMachine (DefinitionUri and
/// DefinitionSubstitutions). Substitution values may be plain scalars, <c>!GetAtt X.Arn</c> of a function or state
/// machine, <c>!GetAtt X.Name</c> of a state machine, <c>!Ref</c> of a function (its name), a state machine (its ARN), a
/// template parameter (its Default) or a pseudo parameter (AWS::Partition, AWS::Region, AWS::AccountId,
/// AWS::StackName, AWS::URLSuffix), and <c>!Sub</c> of those; anything else is rejected, but only where a state machine
/// or function property the runner reads uses it (other resources are never read). Functions are named by FunctionName
/// when given, else by their logical id; state machines by Name, else their logical id; ARNs use <see cref="Region"/>,
/// <see cref="Account"/> and the aws partition.
/// </summary>
public sealed partial class SamTemplate
{
    const int LambdaDefaultTimeoutSeconds = 3;

    SamTemplate(string region, string account, string stackName)
    {
        Region = region;
        Account = account;
        StackName = stackName;
    }

    public const string Partition = "aws";

    public string Region { get; }
    public string Account { get; }
    public string StackName { get; }

    /// <summary>By logical id.</summary>
    public IReadOnlyDictionary<string, LambdaFunctionResource> Functions { get; private set; } = new Dictionary<string, LambdaFunctionResource>();

    /// <summary>By logical id.</summary>
    public IReadOnlyDictionary<string, StateMachineResource> StateMachines { get; private set; } = new Dictionary<string, StateMachineResource>();

    public static SamTemplate Load(string path, string region = "us-east-1", string account = "123456789012", string stackName = "nob")
    {
        var full = System.IO.Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), System.IO.Path.GetDirectoryName(full)!, region, account, stackName);
    }

    /// <summary>Parses template text; DefinitionUri paths are relative to <paramref name="baseDirectory"/>.</summary>
    public static SamTemplate Parse(string yaml, string baseDirectory, string region = "us-east-1", string account = "123456789012", string stackName = "nob")
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml)) stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new StatesDefinitionException("template: not a YAML mapping");
        var template = new SamTemplate(region, account, stackName);
        template.document = root;
        var resources = Child(root, "Resources") as YamlMappingNode ?? throw new StatesDefinitionException("template: no Resources");
        var globals = Child(Child(root, "Globals"), "Function") as YamlMappingNode;
        var parameters = Child(root, "Parameters") as YamlMappingNode;

        var functions = new Dictionary<string, LambdaFunctionResource>(StringComparer.Ordinal);
        var machines = new Dictionary<string, StateMachineResource>(StringComparer.Ordinal);
        // Names first (they may use !Sub with parameters and pseudo parameters), then what refers to them.
        var names = new Resolver(template, functions, machines, parameters);
        var pendingEnvironments = new Dictionary<string, Dictionary<string, YamlNode>>(StringComparer.Ordinal);
        foreach (var (id, resource) in Resources(resources, "AWS::Serverless::Function"))
        {
            var properties = Child(resource, "Properties") as YamlMappingNode;
            string? Property(string key) => Scalar(Child(properties, key), $"function {id} {key}") ?? Scalar(Child(globals, key), $"Globals.Function {key}");
            var name = Child(properties, "FunctionName") is { } fn ? names.Resolve(fn, $"function {id} FunctionName") : id;
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
                $"arn:{Partition}:lambda:{region}:{account}:function:{name}",
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
                resolved[name] = names.TryResolve(value, out var text) ? text : null;
            functions[id] = functions[id] with { Environment = resolved };
        }
        template.Functions = functions;

        var substitutionNodes = new Dictionary<string, YamlMappingNode?>(StringComparer.Ordinal);
        foreach (var (id, resource) in Resources(resources, "AWS::Serverless::StateMachine"))
        {
            var location = $"template resource {id}";
            var properties = Child(resource, "Properties") as YamlMappingNode ?? throw new StatesDefinitionException($"{location}: no Properties");
            if (Child(properties, "Definition") is not null)
                throw new UnsupportedFeatureException("an inline Definition", location, "use DefinitionUri");
            var uriNode = Child(properties, "DefinitionUri");
            var uri = uriNode is YamlScalarNode { Tag.IsEmpty: true } s ? s.Value!
                : throw new UnsupportedFeatureException(uriNode is null ? "a state machine without DefinitionUri" : "a DefinitionUri that is not a local file path", location);
            var name = Child(properties, "Name") is { } n ? names.Resolve(n, $"{location} Name") : id;
            machines[id] = new StateMachineResource(id, name, System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, uri)), new Dictionary<string, string>())
            {
                Arn = $"arn:{Partition}:states:{region}:{account}:stateMachine:{name}",
            };
            substitutionNodes[id] = Child(properties, "DefinitionSubstitutions") as YamlMappingNode;
        }
        foreach (var (id, subs) in substitutionNodes)
        {
            var substitutions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (subs is not null)
                foreach (var (key, value) in subs.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    substitutions[name] = names.Resolve(value, $"template resource {id} DefinitionSubstitutions.{name}");
                }
            machines[id] = machines[id] with { Substitutions = substitutions };
        }
        template.StateMachines = machines;
        template.apis = new Lazy<IReadOnlyDictionary<string, ServerlessApiResource>>(() => ReadApis(resources, names));
        return template;
    }

    /// <summary>
    /// Resolves the intrinsic functions the runner understands against the resources known so far (functions and
    /// state machines are added to the dictionaries as they are read).
    /// </summary>
    sealed partial class Resolver(SamTemplate template, Dictionary<string, LambdaFunctionResource> functions,
        Dictionary<string, StateMachineResource> machines, YamlMappingNode? parameters)
    {
        const string Supported = "only plain values, !Ref, !GetAtt X.Arn (functions, state machines), !GetAtt X.Name (state machines) and !Sub are resolved";

        public bool TryResolve(YamlNode node, out string value)
        {
            try
            {
                value = Resolve(node, "");
                return true;
            }
            catch (UnsupportedFeatureException)
            {
                value = "";
                return false;
            }
        }

        public string Resolve(YamlNode node, string location)
        {
            string tag;
            YamlNode argument;
            if (node is YamlMappingNode { Children.Count: 1 } longForm && ((YamlScalarNode)longForm.Children.Keys.Single()).Value is { } key
                && (key == "Ref" || key.StartsWith("Fn::", StringComparison.Ordinal)))
            {
                tag = key == "Ref" ? "!Ref" : "!" + key["Fn::".Length..];
                argument = longForm.Children.Values.Single();
            }
            else
            {
                tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
                argument = node;
            }
            switch (tag)
            {
                case "" or "tag:yaml.org,2002:str" or "tag:yaml.org,2002:int" or "tag:yaml.org,2002:bool" when node is YamlScalarNode plain:
                    return plain.Value ?? "";
                case "!GetAtt":
                    {
                        var parts = argument switch
                        {
                            YamlScalarNode s when s.Value!.Split('.') is { Length: 2 } p => p,
                            YamlSequenceNode { Children.Count: 2 } seq when seq.Children.All(c => c is YamlScalarNode) => seq.Children.Select(c => ((YamlScalarNode)c).Value!).ToArray(),
                            _ => throw new UnsupportedFeatureException("this form of !GetAtt", location),
                        };
                        return GetAtt(parts[0], parts[1], location);
                    }
                case "!Ref" when argument is YamlScalarNode reference:
                    return Ref(reference.Value!, location);
                case "!Sub" when argument is YamlScalarNode text:
                    return Sub(text.Value ?? "", new Dictionary<string, string>(StringComparer.Ordinal), location);
                case "!Sub" when argument is YamlSequenceNode { Children.Count: 2 } seq && seq.Children[0] is YamlScalarNode text && seq.Children[1] is YamlMappingNode variables:
                    {
                        var values = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var (k, v) in variables.Children) values[((YamlScalarNode)k).Value!] = Resolve(v, location);
                        return Sub(text.Value ?? "", values, location);
                    }
                default:
                    throw new UnsupportedFeatureException($"the value {(tag.Length > 0 ? tag + " " : "")}{node}", location, Supported);
            }
        }

        string GetAtt(string resource, string attribute, string location)
        {
            if (attribute == "Arn" && functions.TryGetValue(resource, out var function)) return function.Arn;
            if (machines.TryGetValue(resource, out var machine))
            {
                if (attribute == "Arn") return machine.Arn;
                if (attribute == "Name") return machine.Name;
            }
            throw new UnsupportedFeatureException($"!GetAtt {resource}.{attribute}", location, "only the Arn of a function or state machine of the template, and a state machine's Name, are resolved");
        }

        string Ref(string name, string location)
        {
            switch (name)
            {
                case "AWS::Partition": return Partition;
                case "AWS::Region": return template.Region;
                case "AWS::AccountId": return template.Account;
                case "AWS::StackName": return template.StackName;
                case "AWS::URLSuffix": return "amazonaws.com";
            }
            if (functions.TryGetValue(name, out var function)) return function.FunctionName;
            if (machines.TryGetValue(name, out var machine)) return machine.Arn;
            if (Child(Child(parameters, name), "Default") is YamlScalarNode defaultValue) return defaultValue.Value ?? "";
            throw new UnsupportedFeatureException($"!Ref {name}", location, "only functions, state machines, pseudo parameters and parameters with a Default are resolved");
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"\$\{([^}]*)\}")]
        private static partial System.Text.RegularExpressions.Regex Placeholder();

        /// <summary>Fn::Sub: <c>${Name}</c> is a variable, else a Ref; <c>${Res.Attr}</c> a GetAtt; <c>${!Literal}</c> stays <c>${Literal}</c>.</summary>
        string Sub(string text, Dictionary<string, string> variables, string location) =>
            Placeholder().Replace(text, m =>
            {
                var inner = m.Groups[1].Value.Trim();
                if (inner.StartsWith('!')) return "${" + inner[1..] + "}";
                if (variables.TryGetValue(inner, out var value)) return value;
                var dot = inner.IndexOf('.', StringComparison.Ordinal);
                return dot > 0 && !inner.StartsWith("AWS::", StringComparison.Ordinal)
                    ? GetAtt(inner[..dot], inner[(dot + 1)..], location)
                    : Ref(inner, location);
            });
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
