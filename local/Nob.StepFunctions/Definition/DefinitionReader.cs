using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions.Definition;

/// <summary>
/// Reads and validates an Amazon States Language definition (JSONPath flavour). Every field of every state is either
/// understood, or rejected: fields Step Functions has but this runner does not implement raise
/// <see cref="UnsupportedFeatureException"/>; fields no state of that type has raise <see cref="StatesDefinitionException"/>.
/// </summary>
internal static partial class DefinitionReader
{
    static readonly string[] unsupportedEverywhere = ["Assign", "Output", "Arguments", "Items"];

    public static StatesBlock ReadMachine(JsonNode? root) => ReadMachine(root, out _);

    /// <param name="timeoutSeconds">The machine's TimeoutSeconds: how long an execution may run before it times out.</param>
    public static StatesBlock ReadMachine(JsonNode? root, out int? timeoutSeconds)
    {
        if (root is not JsonObject obj) throw new StatesDefinitionException("the definition must be a JSON object");
        var r = new Fields(obj, "the state machine");
        if (r.OptionalString("QueryLanguage") is { } language && language != "JSONPath")
            throw new UnsupportedFeatureException($"QueryLanguage \"{language}\"", "the state machine", "only JSONPath is implemented");
        timeoutSeconds = r.OptionalInt("TimeoutSeconds", 1, 99999999);
        if (r.OptionalString("Version") is { } version && version != "1.0")
            throw new StatesDefinitionException($"the state machine: Version \"{version}\" is not 1.0");
        r.OptionalString("Comment");
        var block = ReadBlock(r, "the state machine");
        r.NoOthers("a state machine");
        return block;
    }

    /// <summary>StartAt and States of a machine, Map processor or Parallel branch; the caller checks the other fields.</summary>
    static StatesBlock ReadBlock(Fields r, string location)
    {
        var startAt = r.RequiredString("StartAt");
        if (r.Take("States") is not JsonObject statesObj || statesObj.Count == 0) throw new StatesDefinitionException($"{location}: \"States\" must be a non-empty object");
        var states = new Dictionary<string, State>(StringComparer.Ordinal);
        foreach (var (name, node) in statesObj)
        {
            if (name.Length is 0 or > 80) throw new StatesDefinitionException($"{location}: the state name \"{name}\" must be 1 to 80 characters");
            states[name] = ReadState(name, node);
        }
        var block = new StatesBlock { StartAt = startAt, States = states, Location = location };
        if (!states.ContainsKey(startAt)) throw new StatesDefinitionException($"{location}: StartAt \"{startAt}\" is not one of its states");
        foreach (var state in states.Values)
        {
            foreach (var target in Targets(state))
                if (!states.ContainsKey(target))
                    throw new StatesDefinitionException($"{state.Location}: the transition to \"{target}\" leads to no state of {location}");
        }
        return block;
    }

    static IEnumerable<string> Targets(State state)
    {
        if (state.Next is not null) yield return state.Next;
        if (state is ChoiceState choice)
        {
            foreach (var rule in choice.Choices) yield return rule.Next!;
            if (choice.Default is not null) yield return choice.Default;
        }
        if (state is IRecoverable recoverable)
            foreach (var c in recoverable.Catch) yield return c.Next;
    }

    static State ReadState(string name, JsonNode? node)
    {
        var location = $"state '{name}'";
        if (node is not JsonObject obj) throw new StatesDefinitionException($"{location}: a state must be an object");
        var r = new Fields(obj, location);
        var type = r.RequiredString("Type");
        if (r.OptionalString("QueryLanguage") is { } language && language != "JSONPath")
            throw new UnsupportedFeatureException($"QueryLanguage \"{language}\"", location, "only JSONPath is implemented");
        r.OptionalString("Comment");
        foreach (var field in unsupportedEverywhere) r.Unsupported(field, field is "Output" or "Arguments" or "Items" ? "it belongs to JSONata" : "variables are not implemented");

        State state = type switch
        {
            "Pass" => ReadPass(r, name, location),
            "Task" => ReadTask(r, name, location),
            "Choice" => ReadChoice(r, name, location),
            "Wait" => ReadWait(r, name, location),
            "Succeed" => new SucceedState { Name = name, Location = location, InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath") },
            "Fail" => ReadFail(r, name, location),
            "Parallel" => ReadParallel(r, name, location),
            "Map" => ReadMap(r, name, location),
            _ => throw new StatesDefinitionException($"{location}: unknown state type \"{type}\""),
        };
        r.NoOthers($"a {type} state");
        return state;
    }

    static (string? Next, bool End) Transition(Fields r, string location)
    {
        var next = r.OptionalString("Next");
        var end = r.Take("End") is { } e && (JsonText.IsBoolean(e, out var b) ? b : throw new StatesDefinitionException($"{location}: \"End\" must be a boolean"));
        if ((next is null) == !end) throw new StatesDefinitionException($"{location}: a {(next is null ? "state needs \"Next\" or \"End\": true" : "state has both \"Next\" and \"End\"")}");
        return (next, end);
    }

    static PassState ReadPass(Fields r, string name, string location)
    {
        var (next, end) = Transition(r, location);
        var hasResult = r.Has("Result");
        return new PassState
        {
            Name = name, Location = location, Next = next, End = end,
            InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath"), ResultPath = r.ResultPath("ResultPath"),
            Parameters = r.Template("Parameters"),
            HasResult = hasResult,
            Result = hasResult ? JsonText.Clone(r.Take("Result")) : null,
        };
    }

    static ChoiceState ReadChoice(Fields r, string name, string location)
    {
        if (r.Has("Next") || r.Has("End")) throw new StatesDefinitionException($"{location}: a Choice state has no \"Next\" or \"End\"; its rules and Default choose");
        if (r.Take("Choices") is not JsonArray choices || choices.Count == 0) throw new StatesDefinitionException($"{location}: \"Choices\" must be a non-empty array");
        return new ChoiceState
        {
            Name = name, Location = location,
            InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath"),
            Choices = [.. choices.Select((c, i) => ChoiceRule.Parse(c, $"{location} Choices[{i}]", topLevel: true))],
            Default = r.OptionalString("Default"),
        };
    }

    static WaitState ReadWait(Fields r, string name, string location)
    {
        var (next, end) = Transition(r, location);
        var given = new[] { "Seconds", "SecondsPath", "Timestamp", "TimestampPath" }.Where(r.Has).ToList();
        if (given.Count != 1) throw new StatesDefinitionException($"{location}: a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
        long? seconds = null;
        DateTimeOffset? timestamp = null;
        if (r.Take("Seconds") is { } s)
            seconds = JsonText.IsInteger(s, out var n) && n >= 0 ? n : throw new StatesDefinitionException($"{location}: \"Seconds\" must be a non-negative integer");
        if (r.Take("Timestamp") is { } t)
            timestamp = JsonText.IsString(t, out var ts) && ChoiceRule.TryTimestamp(ts, out var d) ? d : throw new StatesDefinitionException($"{location}: \"Timestamp\" must be an RFC 3339 timestamp");
        return new WaitState
        {
            Name = name, Location = location, Next = next, End = end,
            InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath"),
            Seconds = seconds, Timestamp = timestamp,
            SecondsPath = r.Path("SecondsPath", reference: true), TimestampPath = r.Path("TimestampPath", reference: true),
        };
    }

    static FailState ReadFail(Fields r, string name, string location)
    {
        if (r.Has("Error") && r.Has("ErrorPath")) throw new StatesDefinitionException($"{location}: give Error or ErrorPath, not both");
        if (r.Has("Cause") && r.Has("CausePath")) throw new StatesDefinitionException($"{location}: give Cause or CausePath, not both");
        return new FailState
        {
            Name = name, Location = location,
            Error = r.OptionalString("Error"), Cause = r.OptionalString("Cause"),
            ErrorPath = r.StringExpression("ErrorPath"), CausePath = r.StringExpression("CausePath"),
        };
    }

    static ParallelState ReadParallel(Fields r, string name, string location)
    {
        var (next, end) = Transition(r, location);
        if (r.Take("Branches") is not JsonArray branches || branches.Count == 0) throw new StatesDefinitionException($"{location}: \"Branches\" must be a non-empty array");
        var blocks = branches.Select((b, i) =>
        {
            var where = $"{location} branch {i}";
            if (b is not JsonObject bo) throw new StatesDefinitionException($"{where}: a branch must be an object");
            var br = new Fields(bo, where);
            br.OptionalString("Comment");
            if (br.OptionalString("QueryLanguage") is { } language && language != "JSONPath")
                throw new UnsupportedFeatureException($"QueryLanguage \"{language}\"", where);
            var block = ReadBlock(br, where);
            br.NoOthers("a Parallel branch");
            return block;
        }).ToList();
        return new ParallelState
        {
            Name = name, Location = location, Next = next, End = end, Branches = blocks,
            InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath"), ResultPath = r.ResultPath("ResultPath"),
            Parameters = r.Template("Parameters"), ResultSelector = r.Template("ResultSelector"),
            Retry = ReadRetry(r, location), Catch = ReadCatch(r, location),
        };
    }

    static MapState ReadMap(Fields r, string name, string location)
    {
        var (next, end) = Transition(r, location);
        foreach (var f in new[] { "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ToleratedFailureCount", "ToleratedFailureCountPath", "Label" })
            r.Unsupported(f, "it belongs to the Distributed Map");
        if (r.Has("ItemSelector") && r.Has("Parameters")) throw new StatesDefinitionException($"{location}: give ItemSelector or (legacy) Parameters, not both");
        if (r.Has("ItemProcessor") == r.Has("Iterator")) throw new StatesDefinitionException($"{location}: a Map state needs ItemProcessor (or the legacy Iterator), exactly one");
        if (r.Has("MaxConcurrency") && r.Has("MaxConcurrencyPath")) throw new StatesDefinitionException($"{location}: give MaxConcurrency or MaxConcurrencyPath, not both");

        var processorField = r.Has("ItemProcessor") ? "ItemProcessor" : "Iterator";
        var where = $"{location} {processorField}";
        if (r.Take(processorField) is not JsonObject processorObj) throw new StatesDefinitionException($"{where}: must be an object");
        var pr = new Fields(processorObj, where);
        pr.OptionalString("Comment");
        if (pr.OptionalString("QueryLanguage") is { } language && language != "JSONPath")
            throw new UnsupportedFeatureException($"QueryLanguage \"{language}\"", where);
        if (processorField == "ItemProcessor" && pr.Take("ProcessorConfig") is { } config)
        {
            if (config is not JsonObject configObj) throw new StatesDefinitionException($"{where}: ProcessorConfig must be an object");
            var cr = new Fields(configObj, $"{where} ProcessorConfig");
            if (cr.OptionalString("Mode") is { } mode && mode != "INLINE")
                throw new UnsupportedFeatureException($"ProcessorConfig Mode \"{mode}\"", location, "only the INLINE Map is implemented");
            cr.Unsupported("ExecutionType", "it belongs to the Distributed Map");
            cr.NoOthers("a ProcessorConfig");
        }
        var processor = ReadBlock(pr, where);
        pr.NoOthers($"an {processorField}");

        int maxConcurrency = 0;
        if (r.Take("MaxConcurrency") is { } mc)
            maxConcurrency = JsonText.IsInteger(mc, out var n) && n is >= 0 and <= int.MaxValue ? (int)n : throw new StatesDefinitionException($"{location}: MaxConcurrency must be a non-negative integer");
        return new MapState
        {
            Name = name, Location = location, Next = next, End = end, Processor = processor,
            InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath"), ResultPath = r.ResultPath("ResultPath"),
            ItemsPath = r.Path("ItemsPath", reference: true),
            ItemSelector = r.Template("ItemSelector") ?? r.Template("Parameters"),
            MaxConcurrency = maxConcurrency,
            MaxConcurrencyPath = r.Path("MaxConcurrencyPath", reference: true),
            ResultSelector = r.Template("ResultSelector"),
            Retry = ReadRetry(r, location), Catch = ReadCatch(r, location),
        };
    }

    /// <summary>Reads an object's fields, remembering which were read so the rest can be rejected.</summary>
    sealed class Fields(JsonObject obj, string location)
    {
        readonly HashSet<string> taken = new(StringComparer.Ordinal);

        public bool Has(string key) => obj.ContainsKey(key);

        public JsonNode? Take(string key)
        {
            taken.Add(key);
            return obj.TryGetPropertyValue(key, out var v) ? v : null;
        }

        public string RequiredString(string key) =>
            OptionalString(key) ?? throw new StatesDefinitionException($"{location}: \"{key}\" is required");

        public string? OptionalString(string key)
        {
            if (!Has(key)) return null;
            return JsonText.IsString(Take(key), out var s) ? s : throw new StatesDefinitionException($"{location}: \"{key}\" must be a string");
        }

        public int? OptionalInt(string key, int min, int max)
        {
            if (!Has(key)) return null;
            return JsonText.IsInteger(Take(key), out var n) && n >= min && n <= max ? (int)n
                : throw new StatesDefinitionException($"{location}: \"{key}\" must be an integer from {min} to {max}");
        }

        public void Unsupported(string key, string? why = null)
        {
            if (Has(key)) throw new UnsupportedFeatureException($"field '{key}'", location, why);
        }

        public OptionalPath IoPath(string key)
        {
            if (!Has(key)) return OptionalPath.Default;
            var node = Take(key);
            if (node is null) return OptionalPath.Null;
            if (!JsonText.IsString(node, out var text)) throw new StatesDefinitionException($"{location}: \"{key}\" must be a path or null");
            var path = PayloadTemplate.ParsePath(text, $"{location} {key}");
            if (path.IsContext) throw new StatesDefinitionException($"{location}: \"{key}\" cannot address the context object");
            return new OptionalPath(path, false);
        }

        public OptionalPath ResultPath(string key)
        {
            var result = IoPath(key);
            if (result.Path is { IsReference: false }) throw new StatesDefinitionException($"{location}: \"{key}\" must be a reference path (names and indexes only), not \"{result.Path.Text}\"");
            return result;
        }

        public JsonPath? Path(string key, bool reference)
        {
            if (OptionalString(key) is not { } text) return null;
            var path = PayloadTemplate.ParsePath(text, $"{location} {key}");
            if (reference && !path.IsReference) throw new StatesDefinitionException($"{location}: \"{key}\" must be a reference path (names and indexes only), not \"{text}\"");
            return path;
        }

        public PayloadTemplate? Template(string key) =>
            Has(key) ? PayloadTemplate.Compile(Take(key), $"{location} {key}") : null;

        public StringExpression? StringExpression(string key)
        {
            if (OptionalString(key) is not { } text) return null;
            if (IntrinsicCall.LooksLikeCall(text))
            {
                var call = IntrinsicCall.Parse(text, $"{location} {key}");
                if (!IntrinsicCall.StringFunctions.Contains(call.Name))
                    throw new StatesDefinitionException($"{location}: {key} may use only {string.Join(", ", IntrinsicCall.StringFunctions.Order(StringComparer.Ordinal))}, not {call.Name}");
                return new StringExpression { Call = call, Text = text, Field = key };
            }
            return new StringExpression { Path = Path(key, reference: true), Text = text, Field = key };
        }

        public void NoOthers(string what)
        {
            var others = obj.Select(p => p.Key).Where(k => !taken.Contains(k) && k is not ("Type" or "Comment" or "QueryLanguage")).ToList();
            if (others.Count > 0)
                throw new StatesDefinitionException($"{location}: {string.Join(", ", others.Select(o => $"\"{o}\""))} {(others.Count == 1 ? "is not a field" : "are not fields")} of {what}");
        }
    }

    /// <summary>Parses definition text into JSON, with a clear message when it is not JSON.</summary>
    public static JsonNode? ParseJson(string json)
    {
        try
        {
            return JsonText.ParseStrict(json);
        }
        catch (JsonException e)
        {
            throw new StatesDefinitionException($"the definition is not valid JSON (or repeats a name): {e.Message}");
        }
    }
}
