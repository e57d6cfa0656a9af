using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions.Definition;

/// <summary>
/// A Choice rule (JSONPath): a data-test expression (Variable + one comparison operator) or a boolean expression
/// (And, Or, Not). Comparisons whose Variable has another type than the operator expects are false; a Variable (or a
/// …Path operand) that matches nothing is a States.Runtime error, except for IsPresent.
/// </summary>
internal abstract partial class ChoiceRule
{
    /// <summary>The state to go to: set on top-level rules only.</summary>
    public string? Next { get; init; }

    public abstract bool Matches(EvaluationScope scope);

    static readonly string[] stringOps = ["StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals"];
    static readonly string[] numericOps = ["NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals"];
    static readonly string[] timestampOps = ["TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals"];
    static readonly string[] typeTests = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"];

    static readonly HashSet<string> operators = new(
        stringOps.Concat(numericOps).Concat(timestampOps).Append("BooleanEquals")
            .SelectMany(o => new[] { o, o + "Path" })
            .Append("StringMatches")
            .Concat(typeTests),
        StringComparer.Ordinal);

    public static ChoiceRule Parse(JsonNode? node, string location, bool topLevel)
    {
        if (node is not JsonObject obj) throw new StatesDefinitionException($"{location}: a choice rule must be an object");
        if (obj.ContainsKey("Condition")) throw new UnsupportedFeatureException("the JSONata field 'Condition'", location);
        if (obj.ContainsKey("Assign")) throw new UnsupportedFeatureException("field 'Assign' (variables)", location);
        string? next = null;
        if (obj.TryGetPropertyValue("Next", out var nextNode))
        {
            if (!topLevel) throw new StatesDefinitionException($"{location}: only a top-level choice rule has \"Next\"");
            next = JsonText.IsString(nextNode, out var n) ? n : throw new StatesDefinitionException($"{location}: \"Next\" must be a string");
        }
        else if (topLevel)
        {
            throw new StatesDefinitionException($"{location}: a top-level choice rule needs \"Next\"");
        }

        var keys = obj.Select(p => p.Key).Where(k => k is not ("Next" or "Comment")).ToList();
        if (obj.TryGetPropertyValue("Comment", out var comment) && !JsonText.IsString(comment, out _))
            throw new StatesDefinitionException($"{location}: \"Comment\" must be a string");

        if (keys.Count == 1 && keys[0] is "And" or "Or")
        {
            if (obj[keys[0]] is not JsonArray list || list.Count == 0) throw new StatesDefinitionException($"{location}: \"{keys[0]}\" must be a non-empty array of rules");
            var rules = list.Select((r, i) => Parse(r, $"{location}.{keys[0]}[{i}]", topLevel: false)).ToList();
            return keys[0] == "And" ? new AllOf(rules) { Next = next } : new AnyOf(rules) { Next = next };
        }
        if (keys.Count == 1 && keys[0] == "Not")
            return new NotRule(Parse(obj["Not"], $"{location}.Not", topLevel: false)) { Next = next };

        if (!keys.Contains("Variable"))
            throw new StatesDefinitionException($"{location}: a choice rule needs \"Variable\" and one comparison operator, or \"And\", \"Or\" or \"Not\"");
        var unknown = keys.Where(k => k != "Variable" && !operators.Contains(k)).ToList();
        if (unknown.Count > 0) throw new StatesDefinitionException($"{location}: unknown field(s) {string.Join(", ", unknown.Select(u => $"\"{u}\""))} in a choice rule");
        var ops = keys.Where(operators.Contains).ToList();
        if (ops.Count != 1) throw new StatesDefinitionException($"{location}: a choice rule needs exactly one comparison operator, found {ops.Count}");
        if (!JsonText.IsString(obj["Variable"], out var variableText)) throw new StatesDefinitionException($"{location}: \"Variable\" must be a string path");
        var variable = PayloadTemplate.ParsePath(variableText, $"{location}.Variable");
        return Comparison.Create(variable, ops[0], obj[ops[0]], location, next);
    }

    sealed class AllOf(IReadOnlyList<ChoiceRule> rules) : ChoiceRule
    {
        public override bool Matches(EvaluationScope scope) => rules.All(r => r.Matches(scope));
    }

    sealed class AnyOf(IReadOnlyList<ChoiceRule> rules) : ChoiceRule
    {
        public override bool Matches(EvaluationScope scope) => rules.Any(r => r.Matches(scope));
    }

    sealed class NotRule(ChoiceRule rule) : ChoiceRule
    {
        public override bool Matches(EvaluationScope scope) => !rule.Matches(scope);
    }

    sealed class Comparison : ChoiceRule
    {
        JsonPath variable = null!;
        string op = "";
        string baseOp = "";
        JsonNode? operand;
        JsonPath? operandPath;
        Regex? pattern;

        public static Comparison Create(JsonPath variable, string op, JsonNode? value, string location, string? next)
        {
            var c = new Comparison { variable = variable, op = op, baseOp = op.EndsWith("Path", StringComparison.Ordinal) ? op[..^4] : op, Next = next };
            if (op.EndsWith("Path", StringComparison.Ordinal))
            {
                if (!JsonText.IsString(value, out var p)) throw new StatesDefinitionException($"{location}: \"{op}\" must be a string path");
                c.operandPath = PayloadTemplate.ParsePath(p, $"{location}.{op}");
                return c;
            }
            var ok = c.baseOp switch
            {
                _ when stringOps.Contains(c.baseOp) || c.baseOp == "StringMatches" => JsonText.IsString(value, out _),
                _ when numericOps.Contains(c.baseOp) => JsonText.IsNumber(value),
                _ when timestampOps.Contains(c.baseOp) => JsonText.IsString(value, out var t) && TryTimestamp(t, out _),
                _ => JsonText.IsBoolean(value, out _), // BooleanEquals and the type tests
            };
            if (!ok) throw new StatesDefinitionException($"{location}: {JsonText.Serialize(value)} is not a valid value for \"{op}\"");
            c.operand = JsonText.Clone(value);
            if (op == "StringMatches") c.pattern = Wildcard(value!.GetValue<string>());
            return c;
        }

        public override bool Matches(EvaluationScope scope)
        {
            var found = scope.TryEvaluate(variable, out var value);
            if (op == "IsPresent") return found == operand!.GetValue<bool>();
            if (!found) throw StatesError.Runtime($"Invalid path '{variable.Text}': The choice state's condition path references an invalid value.");
            var other = operand;
            if (operandPath is not null && !scope.TryEvaluate(operandPath, out other))
                throw StatesError.Runtime($"Invalid path '{operandPath.Text}': The choice state's condition path references an invalid value.");

            switch (baseOp)
            {
                case "IsNull": return (JsonText.Kind(value) == System.Text.Json.JsonValueKind.Null) == other!.GetValue<bool>();
                case "IsNumeric": return JsonText.IsNumber(value) == other!.GetValue<bool>();
                case "IsString": return JsonText.IsString(value, out _) == other!.GetValue<bool>();
                case "IsBoolean": return JsonText.IsBoolean(value, out _) == other!.GetValue<bool>();
                case "IsTimestamp": return (JsonText.IsString(value, out var ts) && TryTimestamp(ts, out _)) == other!.GetValue<bool>();
                case "BooleanEquals":
                    return JsonText.IsBoolean(value, out var b1) && JsonText.IsBoolean(other, out var b2) && b1 == b2;
                case "StringMatches":
                    return JsonText.IsString(value, out var s) && pattern!.IsMatch(s);
            }
            int? order = null;
            if (baseOp.StartsWith("String", StringComparison.Ordinal) && JsonText.IsString(value, out var x) && JsonText.IsString(other, out var y))
                order = string.CompareOrdinal(x, y);
            else if (baseOp.StartsWith("Numeric", StringComparison.Ordinal) && JsonText.IsNumber(value) && JsonText.IsNumber(other))
                order = JsonText.CompareNumbers(value!, other!);
            else if (baseOp.StartsWith("Timestamp", StringComparison.Ordinal) && JsonText.IsString(value, out var t1) && JsonText.IsString(other, out var t2)
                     && TryTimestamp(t1, out var d1) && TryTimestamp(t2, out var d2))
                order = d1.CompareTo(d2);
            if (order is not { } o) return false;
            return baseOp[(baseOp.StartsWith("String", StringComparison.Ordinal) ? 6 : baseOp.StartsWith("Numeric", StringComparison.Ordinal) ? 7 : 9)..] switch
            {
                "Equals" => o == 0,
                "LessThan" => o < 0,
                "GreaterThan" => o > 0,
                "LessThanEquals" => o <= 0,
                "GreaterThanEquals" => o >= 0,
                _ => throw new InvalidOperationException(baseOp),
            };
        }

        /// <summary>StringMatches: <c>*</c> matches any run of characters; <c>\*</c> and <c>\\</c> are a literal star and backslash.</summary>
        static Regex Wildcard(string pattern)
        {
            var sb = new System.Text.StringBuilder("^");
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '\\' && i + 1 < pattern.Length) sb.Append(Regex.Escape(pattern[++i].ToString()));
                else if (c == '*') sb.Append(".*");
                else sb.Append(Regex.Escape(c.ToString()));
            }
            return new Regex(sb.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>An RFC 3339 timestamp as Step Functions accepts it: uppercase T, and Z or a numeric offset.</summary>
    public static bool TryTimestamp(string text, out DateTimeOffset value)
    {
        value = default;
        return Rfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value);
    }
}
