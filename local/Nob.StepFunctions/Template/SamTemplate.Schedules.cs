using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Nob.StepFunctions;

/// <summary>
/// An EventBridge Scheduler schedule of the template (AWS::Scheduler::Schedule) with its intrinsics resolved: what the
/// scheduler runs (<see cref="Expression"/> in <see cref="ExpressionTimezone"/>, null for UTC), whether it runs, and the
/// target it starts with <see cref="Input"/>, retried as its RetryPolicy says, what it could not deliver going to
/// <see cref="DeadLetterArn"/>.
/// </summary>
public sealed record ScheduleResource(
    string LogicalId,
    string Name,
    string Arn,
    string Expression,
    string? ExpressionTimezone,
    bool Enabled,
    string TargetArn,
    string? Input,
    int MaximumRetryAttempts,
    int MaximumEventAgeInSeconds,
    string? DeadLetterArn)
{
    /// <summary>EventBridge Scheduler's RetryPolicy when a target gives none: 185 attempts within 24 hours.</summary>
    public const int DefaultMaximumRetryAttempts = 185;

    public const int DefaultMaximumEventAgeInSeconds = 86400;
}

public sealed partial class SamTemplate
{
    /// <summary>The parsed template, for what is read on demand (schedules, with parameter values given then).</summary>
    YamlMappingNode? document;

    /// <summary>
    /// Every AWS::Scheduler::Schedule of the template whose resource Condition holds, by logical id, resolved with the
    /// parameters' Defaults replaced by <paramref name="parameterOverrides"/> (as <c>sam deploy --parameter-overrides</c>
    /// would; each override must name a parameter and pass its AllowedValues and AllowedPattern). Property values may use
    /// what the other resources' do, plus <c>!If</c> over the template's Conditions (<c>!Equals</c>, <c>!Not</c>,
    /// <c>!And</c>, <c>!Or</c>, <c>!Condition</c>), <c>!Ref AWS::NoValue</c>, and <c>!GetAtt Q.Arn</c> of an
    /// AWS::SQS::Queue (named by QueueName, else stack-logicalId; CloudFormation adds a random suffix there). A schedule
    /// without Name is named stack-logicalId the same way. Anything else a schedule uses is refused, naming the place.
    /// </summary>
    public IReadOnlyDictionary<string, ScheduleResource> Schedules(IReadOnlyDictionary<string, string>? parameterOverrides = null)
    {
        var root = document ?? throw new StatesDefinitionException("template: parsed without its document");
        var resources = (YamlMappingNode)Child(root, "Resources")!;
        var parameters = WithOverrides(Child(root, "Parameters") as YamlMappingNode, parameterOverrides ?? new Dictionary<string, string>());
        var values = new ScheduleValues(this, new Resolver(this, new(Functions), new(StateMachines), parameters), Child(root, "Conditions") as YamlMappingNode, resources);
        var schedules = new Dictionary<string, ScheduleResource>(StringComparer.Ordinal);
        foreach (var (id, resource) in Resources(resources, "AWS::Scheduler::Schedule"))
        {
            var location = $"template resource {id}";
            if (Child(resource, "Condition") is { } condition && !values.Condition(Scalar(condition, $"{location} Condition") ?? "", $"{location} Condition"))
            {
                continue;
            }

            var properties = Child(resource, "Properties") as YamlMappingNode ?? throw new StatesDefinitionException($"{location}: no Properties");
            Only(properties, location, "Description", "Name", "GroupName", "ScheduleExpression", "ScheduleExpressionTimezone", "State", "FlexibleTimeWindow", "Target");
            string? Optional(YamlNode? node, string key) => node is null ? null : values.Value(node, $"{location} {key}");
            string Required(YamlMappingNode? map, string key) =>
                Optional(Child(map, key), key) ?? throw new StatesDefinitionException($"{location}: no {key}");

            var name = Optional(Child(properties, "Name"), "Name") ?? $"{StackName}-{id}";
            var group = Optional(Child(properties, "GroupName"), "GroupName") ?? "default";
            var state = Optional(Child(properties, "State"), "State") ?? "ENABLED";
            if (state is not ("ENABLED" or "DISABLED"))
            {
                throw new StatesDefinitionException($"{location} State: \"{state}\" is neither ENABLED nor DISABLED");
            }

            var window = Child(properties, "FlexibleTimeWindow") as YamlMappingNode ?? throw new StatesDefinitionException($"{location}: no FlexibleTimeWindow");
            if (Required(window, "Mode") is var mode && mode != "OFF")
            {
                throw new UnsupportedFeatureException($"FlexibleTimeWindow Mode {mode}", location, "only OFF: runs at the expression's times");
            }

            var target = Child(properties, "Target") as YamlMappingNode ?? throw new StatesDefinitionException($"{location}: no Target");
            // RoleArn is what AWS assumes to start the target; locally nothing is assumed, so it is not read.
            Only(target, $"{location} Target", "Arn", "RoleArn", "Input", "RetryPolicy", "DeadLetterConfig");
            var retry = Child(target, "RetryPolicy") as YamlMappingNode;
            Only(retry, $"{location} Target.RetryPolicy", "MaximumRetryAttempts", "MaximumEventAgeInSeconds");
            int Number(string key, int fallback, int min, int max) =>
                Optional(Child(retry, key), $"Target.RetryPolicy.{key}") is not { } text ? fallback
                : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
                : throw new StatesDefinitionException($"{location} Target.RetryPolicy.{key}: \"{text}\" is not a whole number from {min} to {max}");
            var deadLetter = Child(target, "DeadLetterConfig") as YamlMappingNode;
            Only(deadLetter, $"{location} Target.DeadLetterConfig", "Arn");

            schedules[id] = new ScheduleResource(
                id,
                name,
                $"arn:{Partition}:scheduler:{Region}:{Account}:schedule/{group}/{name}",
                Required(properties, "ScheduleExpression"),
                Optional(Child(properties, "ScheduleExpressionTimezone"), "ScheduleExpressionTimezone"),
                state == "ENABLED",
                Required(target, "Arn"),
                Optional(Child(target, "Input"), "Target.Input"),
                Number("MaximumRetryAttempts", ScheduleResource.DefaultMaximumRetryAttempts, 0, 185),
                Number("MaximumEventAgeInSeconds", ScheduleResource.DefaultMaximumEventAgeInSeconds, 60, 86400),
                Optional(Child(deadLetter, "Arn"), "Target.DeadLetterConfig.Arn"));
        }

        return schedules;
    }

    static void Only(YamlMappingNode? map, string location, params string[] known)
    {
        foreach (var key in map?.Children.Keys ?? [])
        {
            if (key is not YamlScalarNode { Value: { } name } || !known.Contains(name, StringComparer.Ordinal))
            {
                throw new UnsupportedFeatureException($"the property {key}", location, $"a schedule here takes only {string.Join(", ", known)}");
            }
        }
    }

    /// <summary>The Parameters section with the given values in place of the Defaults, each checked as CloudFormation checks it.</summary>
    static YamlMappingNode? WithOverrides(YamlMappingNode? parameters, IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var name in overrides.Keys)
        {
            if (Child(parameters, name) is not YamlMappingNode)
            {
                throw new StatesDefinitionException($"template: there is no parameter {name} to give a value");
            }
        }

        if (parameters is null || overrides.Count == 0)
        {
            return parameters;
        }

        var result = new YamlMappingNode();
        foreach (var (key, node) in parameters.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            if (!overrides.TryGetValue(name, out var value) || node is not YamlMappingNode declaration)
            {
                result.Add(key, node);
                continue;
            }

            if (Child(declaration, "AllowedValues") is YamlSequenceNode allowed
                && !allowed.Children.OfType<YamlScalarNode>().Any(a => a.Value == value))
            {
                throw new StatesDefinitionException($"template: parameter {name}: \"{value}\" is not one of its AllowedValues ({string.Join(", ", allowed.Children)})");
            }

            if (Scalar(Child(declaration, "AllowedPattern"), $"template parameter {name} AllowedPattern") is { } pattern
                && !Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                throw new StatesDefinitionException($"template: parameter {name}: \"{value}\" does not match its AllowedPattern {pattern}");
            }

            var replaced = new YamlMappingNode();
            foreach (var (k, v) in declaration.Children)
            {
                if (((YamlScalarNode)k).Value != "Default")
                {
                    replaced.Add(k, v);
                }
            }

            replaced.Add("Default", new YamlScalarNode(value));
            result.Add(key, replaced);
        }

        return result;
    }

    /// <summary>Property values of a schedule: the shared resolver, plus conditions, <c>!If</c> and the dead-letter queue's ARN.</summary>
    sealed class ScheduleValues(SamTemplate template, Resolver resolver, YamlMappingNode? conditions, YamlMappingNode resources)
    {
        readonly HashSet<string> evaluating = new(StringComparer.Ordinal);

        /// <summary>The value, or null for <c>!Ref AWS::NoValue</c> (the property is left out).</summary>
        public string? Value(YamlNode node, string location)
        {
            var (tag, argument) = Intrinsic(node);
            switch (tag)
            {
                case "!If" when argument is YamlSequenceNode { Children.Count: 3 } branches && branches[0] is YamlScalarNode { Value: { } condition }:
                    return Value(Condition(condition, location) ? branches[1] : branches[2], location);
                case "!If":
                    throw new StatesDefinitionException($"{location}: !If takes [condition name, value if true, value if false]");
                case "!Ref" when argument is YamlScalarNode { Value: "AWS::NoValue" }:
                    return null;
                case "!GetAtt" when argument is YamlScalarNode { Value: { } path } && path.Split('.') is [var queue, "Arn"] && QueueName(queue) is { } name:
                    return $"arn:{Partition}:sqs:{template.Region}:{template.Account}:{name}";
                default:
                    return resolver.Resolve(node, location);
            }
        }

        public bool Condition(string name, string location)
        {
            if (Child(conditions, name) is not { } definition)
            {
                throw new StatesDefinitionException($"{location}: the template has no condition {name}");
            }

            if (!evaluating.Add(name))
            {
                throw new StatesDefinitionException($"{location}: condition {name} refers to itself");
            }

            try
            {
                return Holds(definition, $"{location}, condition {name}");
            }
            finally
            {
                evaluating.Remove(name);
            }
        }

        bool Holds(YamlNode node, string location)
        {
            var (tag, argument) = Intrinsic(node);
            var operands = argument as YamlSequenceNode;
            switch (tag)
            {
                case "!Equals" when operands is { Children.Count: 2 }:
                    return Value(operands[0], location) == Value(operands[1], location);
                case "!Not" when operands is { Children.Count: 1 }:
                    return !Holds(operands[0], location);
                case "!And" when operands is { Children.Count: >= 2 and <= 10 }:
                    return operands.Children.All(c => Holds(c, location));
                case "!Or" when operands is { Children.Count: >= 2 and <= 10 }:
                    return operands.Children.Any(c => Holds(c, location));
                case "!Condition" when argument is YamlScalarNode { Value: { } other }:
                    return Condition(other, location);
                default:
                    throw new UnsupportedFeatureException($"the condition {(tag.Length > 0 ? tag + " " : "")}{node}", location,
                        "conditions are !Equals [a, b], !Not [c], !And [c, ...], !Or [c, ...] and !Condition Name");
            }
        }

        string? QueueName(string logicalId) =>
            Child(resources, logicalId) is YamlMappingNode queue && Child(queue, "Type") is YamlScalarNode { Value: "AWS::SQS::Queue" }
                ? (Child(Child(queue, "Properties"), "QueueName") is { } name ? Value(name, $"template resource {logicalId} QueueName") : null) ?? $"{template.StackName}-{logicalId}"
                : null;

        /// <summary>An intrinsic's name as its short-form tag (<c>!If</c>) whichever form it is written in, and its argument.</summary>
        static (string Tag, YamlNode Argument) Intrinsic(YamlNode node) =>
            node is YamlMappingNode { Children.Count: 1 } longForm && ((YamlScalarNode)longForm.Children.Keys.Single()).Value is { } key
                && (key is "Ref" or "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal))
                ? (key is "Ref" or "Condition" ? "!" + key : "!" + key["Fn::".Length..], longForm.Children.Values.Single())
                : (node.Tag.IsEmpty ? "" : node.Tag.Value, node);
    }
}
