using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Paths;

/// <summary>
/// A payload template (Parameters, ItemSelector, ResultSelector): JSON whose fields named <c>key.$</c> take their value
/// from a path (<c>$…</c> on the input, <c>$$…</c> on the context object) or an intrinsic function. Compiled when the
/// definition loads, so a bad path or an unknown intrinsic is reported before anything runs. Nested objects (also
/// inside arrays) are templates too. A path that matches nothing fails the state with States.Runtime, as on AWS.
/// </summary>
internal abstract class PayloadTemplate
{
    public abstract JsonNode? Evaluate(EvaluationScope scope);

    public static PayloadTemplate Compile(JsonNode? node, string location) => node switch
    {
        JsonObject obj => CompileObject(obj, location),
        JsonArray array => new ArrayTemplate([.. array.Select((e, i) => Compile(e, $"{location}[{i}]"))]),
        _ => new StaticTemplate(JsonText.Clone(node)),
    };

    static ObjectTemplate CompileObject(JsonObject obj, string location)
    {
        var fields = new List<(string, PayloadTemplate)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            PayloadTemplate field;
            string name;
            if (key.EndsWith(".$", StringComparison.Ordinal))
            {
                name = key[..^2];
                if (!JsonText.IsString(value, out var expression))
                    throw new StatesDefinitionException($"{location}: the value of \"{key}\" must be a string holding a path or an intrinsic function, not {JsonText.Describe(value)}");
                field = CompileExpression(expression, key, $"{location}.{key}");
            }
            else
            {
                name = key;
                field = Compile(value, $"{location}.{key}");
            }
            if (!names.Add(name)) throw new StatesDefinitionException($"{location}: the field \"{name}\" is given twice (as \"{name}\" and \"{name}.$\")");
            fields.Add((name, field));
        }
        return new ObjectTemplate(fields);
    }

    /// <summary>The value of a <c>key.$</c> field: a path or an intrinsic function.</summary>
    public static PayloadTemplate CompileExpression(string expression, string field, string location)
    {
        if (IntrinsicCall.LooksLikeCall(expression)) return new IntrinsicTemplate(IntrinsicCall.Parse(expression, location), field);
        return new PathTemplate(ParsePath(expression, location), field);
    }

    /// <summary>Parses a path in a definition, turning syntax problems into definition errors that name the place.</summary>
    public static JsonPath ParsePath(string text, string location)
    {
        try
        {
            return JsonPath.Parse(text);
        }
        catch (FormatException e)
        {
            throw new StatesDefinitionException($"{location}: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new UnsupportedFeatureException(e.Message, location);
        }
    }

    sealed class StaticTemplate(JsonNode? value) : PayloadTemplate
    {
        public override JsonNode? Evaluate(EvaluationScope scope) => JsonText.Clone(value);
    }

    sealed class ArrayTemplate(IReadOnlyList<PayloadTemplate> elements) : PayloadTemplate
    {
        public override JsonNode? Evaluate(EvaluationScope scope) => new JsonArray([.. elements.Select(e => e.Evaluate(scope))]);
    }

    sealed class ObjectTemplate(IReadOnlyList<(string Name, PayloadTemplate Value)> fields) : PayloadTemplate
    {
        public override JsonNode? Evaluate(EvaluationScope scope)
        {
            var result = new JsonObject();
            foreach (var (name, value) in fields) result[name] = value.Evaluate(scope);
            return result;
        }
    }

    sealed class PathTemplate(JsonPath path, string field) : PayloadTemplate
    {
        public override JsonNode? Evaluate(EvaluationScope scope) =>
            scope.TryEvaluate(path, out var value) ? value
                : throw StatesError.Runtime($"The JSONPath '{path.Text}' specified for the field '{field}' could not be found in {scope.Describe(path)}");
    }

    sealed class IntrinsicTemplate(IntrinsicCall call, string field) : PayloadTemplate
    {
        public override JsonNode? Evaluate(EvaluationScope scope) => call.Evaluate(scope, field);
    }
}
