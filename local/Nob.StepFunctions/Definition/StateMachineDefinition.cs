using System.Text.RegularExpressions;
using Nob.StepFunctions.Definition;

namespace Nob.StepFunctions;

/// <summary>
/// A parsed and validated Amazon States Language definition (JSONPath). Loading rejects, with the state and the
/// feature named, anything the runner does not implement exactly.
/// </summary>
public sealed partial class StateMachineDefinition
{
    StateMachineDefinition(string name, string json, StatesBlock root, int? timeoutSeconds)
    {
        Name = name;
        Json = json;
        Root = root;
        TimeoutSeconds = timeoutSeconds;
    }

    /// <summary>The machine's top-level TimeoutSeconds: an execution still running after it ends TIMED_OUT (States.Timeout).</summary>
    public int? TimeoutSeconds { get; }

    /// <summary>The state machine's name (used in ARNs and the context object).</summary>
    public string Name { get; }

    /// <summary>The definition text after substitutions.</summary>
    public string Json { get; }

    internal StatesBlock Root { get; }

    /// <summary>Every literal FunctionName of every lambda:invoke task, Map processors and Parallel branches included.</summary>
    public IReadOnlyList<string> FunctionNames => [.. Tasks(Root).Select(t => t.StaticFunctionName).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Parses a definition. <paramref name="substitutions"/> replace <c>${Name}</c> placeholders in the text first, the
    /// way CloudFormation applies DefinitionSubstitutions; a placeholder without a substitution is an error.
    /// </summary>
    public static StateMachineDefinition Parse(string json, IReadOnlyDictionary<string, string>? substitutions = null, string name = "LocalStateMachine")
    {
        var text = Substitute(json, substitutions ?? new Dictionary<string, string>());
        var root = DefinitionReader.ReadMachine(DefinitionReader.ParseJson(text), out var timeoutSeconds);
        return new StateMachineDefinition(name, text, root, timeoutSeconds);
    }

    /// <summary>Loads the state machine <paramref name="logicalId"/> of a SAM template: its DefinitionUri file with its DefinitionSubstitutions.</summary>
    public static StateMachineDefinition FromTemplate(SamTemplate template, string logicalId)
    {
        ArgumentNullException.ThrowIfNull(template);
        var resource = template.StateMachines.TryGetValue(logicalId, out var r) ? r
            : throw new StatesDefinitionException($"template: no state machine resource \"{logicalId}\" (it has {string.Join(", ", template.StateMachines.Keys)})");
        return Parse(File.ReadAllText(resource.DefinitionPath), resource.Substitutions, resource.Name);
    }

    [GeneratedRegex(@"\$\{([^}]*)\}")]
    private static partial Regex Placeholder();

    static string Substitute(string json, IReadOnlyDictionary<string, string> substitutions)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var text = Placeholder().Replace(json, m =>
        {
            if (substitutions.TryGetValue(m.Groups[1].Value, out var value)) return value;
            missing.Add(m.Groups[1].Value);
            return m.Value;
        });
        if (missing.Count > 0)
            throw new StatesDefinitionException($"the definition uses {string.Join(", ", missing.Select(m => "${" + m + "}"))} but no DefinitionSubstitutions entry gives {(missing.Count == 1 ? "it" : "them")}");
        return text;
    }

    internal static IEnumerable<TaskState> Tasks(StatesBlock block)
    {
        foreach (var state in block.States.Values)
        {
            if (state is TaskState task) yield return task;
            IEnumerable<StatesBlock> inner = state switch
            {
                MapState map => [map.Processor],
                ParallelState parallel => parallel.Branches,
                _ => [],
            };
            foreach (var b in inner)
                foreach (var t in Tasks(b)) yield return t;
        }
    }
}
