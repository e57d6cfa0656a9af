using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Paths;

/// <summary>
/// An intrinsic function call (JSONPath states), parsed when the definition loads: <c>States.Format('{} x', $.a)</c>.
/// Arguments are string literals in single quotes (escape <c>' { } \</c> with a backslash), numbers, true, false,
/// null, paths (<c>$…</c>, <c>$$…</c>) and nested calls (at most 10 deep). Failures inside a function are
/// <c>States.IntrinsicFailure</c>; a path argument that matches nothing is <c>States.Runtime</c>.
/// </summary>
internal sealed class IntrinsicCall
{
    abstract record Argument;
    /// <summary>A literal; <see cref="Escaped"/> keeps a string literal's backslash escapes (States.Format needs them).</summary>
    sealed record Literal(JsonNode? Value, string? Escaped) : Argument;
    sealed record PathArgument(JsonPath Path) : Argument;
    sealed record CallArgument(IntrinsicCall Call) : Argument;

    /// <summary>Name → (min, max) argument count.</summary>
    static readonly Dictionary<string, (int Min, int Max)> arity = new(StringComparer.Ordinal)
    {
        ["States.Format"] = (1, int.MaxValue),
        ["States.StringToJson"] = (1, 1),
        ["States.JsonToString"] = (1, 1),
        ["States.Array"] = (0, int.MaxValue),
        ["States.ArrayPartition"] = (2, 2),
        ["States.ArrayContains"] = (2, 2),
        ["States.ArrayRange"] = (3, 3),
        ["States.ArrayGetItem"] = (2, 2),
        ["States.ArrayLength"] = (1, 1),
        ["States.ArrayUnique"] = (1, 1),
        ["States.Base64Encode"] = (1, 1),
        ["States.Base64Decode"] = (1, 1),
        ["States.Hash"] = (2, 2),
        ["States.JsonMerge"] = (3, 3),
        ["States.MathRandom"] = (2, 3),
        ["States.MathAdd"] = (2, 2),
        ["States.StringSplit"] = (2, 2),
        ["States.UUID"] = (0, 0),
    };

    /// <summary>The intrinsics a Fail state's ErrorPath/CausePath may use (they return strings).</summary>
    public static readonly IReadOnlySet<string> StringFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "States.Format", "States.JsonToString", "States.ArrayGetItem", "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.UUID",
    };

    readonly IReadOnlyList<Argument> arguments;

    IntrinsicCall(string name, IReadOnlyList<Argument> arguments)
    {
        Name = name;
        this.arguments = arguments;
    }

    public string Name { get; }

    public string Text { get; private init; } = "";

    public static bool LooksLikeCall(string text) => text.StartsWith("States.", StringComparison.Ordinal);

    /// <summary>Parses a call; <paramref name="location"/> names the state and field for error messages.</summary>
    public static IntrinsicCall Parse(string text, string location)
    {
        var parser = new Parser(text, location);
        var call = parser.Call(depth: 1);
        parser.SkipSpaces();
        if (!parser.AtEnd) throw new StatesDefinitionException($"{location}: unexpected text after the intrinsic function in \"{text}\"");
        return call;
    }

    public JsonNode? Evaluate(EvaluationScope scope, string field)
    {
        var values = arguments.Select(a => a switch
        {
            Literal l => JsonText.Clone(l.Value),
            PathArgument p => scope.TryEvaluate(p.Path, out var v) ? v
                : throw StatesError.Runtime($"The JsonPath argument '{p.Path.Text}' of {Name} for the field '{field}' could not be found in {scope.Describe(p.Path)}"),
            CallArgument c => c.Call.Evaluate(scope, field),
            _ => throw new InvalidOperationException(),
        }).ToList();
        return Invoke(values, scope);
    }

    /// <summary>States.Format's template as written: a literal keeps its escapes (\{ is a brace, {} a placeholder).</summary>
    (string Text, bool Escaped) Template(List<JsonNode?> a) =>
        arguments[0] is Literal { Escaped: { } escaped } ? (escaped, true) : (String(a, 0), false);

    JsonNode? Invoke(List<JsonNode?> a, EvaluationScope scope)
    {
        switch (Name)
        {
            case "States.Format":
                return Format(a);
            case "States.StringToJson":
                {
                    var s = String(a, 0);
                    try
                    {
                        return JsonText.Parse(s);
                    }
                    catch (JsonException e)
                    {
                        throw Fail($"the argument is not a JSON text: {e.Message}");
                    }
                }
            case "States.JsonToString":
                return JsonValue.Create(JsonText.Serialize(a[0]));
            case "States.Array":
                return new JsonArray([.. a.Select(JsonText.Detached)]);
            case "States.ArrayPartition":
                {
                    var array = Array(a, 0);
                    var size = Integer(a, 1);
                    if (size <= 0) throw Fail("the chunk size must be a positive integer");
                    var result = new JsonArray();
                    for (var i = 0; i < array.Count; i += (int)size)
                        result.Add(new JsonArray([.. array.Skip(i).Take((int)size).Select(JsonText.Clone)]));
                    return result;
                }
            case "States.ArrayContains":
                return JsonValue.Create(Array(a, 0).Any(e => JsonNode.DeepEquals(e, a[1])));
            case "States.ArrayRange":
                {
                    long start = Integer(a, 0), end = Integer(a, 1), step = Integer(a, 2);
                    if (step == 0) throw Fail("the step must not be 0");
                    var result = new JsonArray();
                    for (var x = start; step > 0 ? x <= end : x >= end; x += step)
                    {
                        if (result.Count == 1000) throw Fail("the range has more than 1000 elements");
                        result.Add(JsonValue.Create(x));
                    }
                    return result;
                }
            case "States.ArrayGetItem":
                {
                    var array = Array(a, 0);
                    var index = Integer(a, 1);
                    if (index < 0 || index >= array.Count) throw Fail($"index {index} is out of range (the array has {array.Count} elements)");
                    return JsonText.Clone(array[(int)index]);
                }
            case "States.ArrayLength":
                return JsonValue.Create(Array(a, 0).Count);
            case "States.ArrayUnique":
                {
                    var result = new JsonArray();
                    foreach (var e in Array(a, 0))
                        if (!result.Any(r => JsonNode.DeepEquals(r, e))) result.Add(JsonText.Clone(e));
                    return result;
                }
            case "States.Base64Encode":
                {
                    var s = String(a, 0);
                    if (s.Length > 10000) throw Fail("the input is longer than 10000 characters");
                    return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(s)));
                }
            case "States.Base64Decode":
                {
                    var s = String(a, 0);
                    if (s.Length > 10000) throw Fail("the input is longer than 10000 characters");
                    try
                    {
                        return JsonValue.Create(Encoding.UTF8.GetString(Convert.FromBase64String(s)));
                    }
                    catch (FormatException)
                    {
                        throw Fail("the input is not base64");
                    }
                }
            case "States.Hash":
                {
                    var data = Encoding.UTF8.GetBytes(String(a, 0));
                    byte[] hash = String(a, 1) switch
                    {
                        "MD5" => MD5.HashData(data),
                        "SHA-1" => SHA1.HashData(data),
                        "SHA-256" => SHA256.HashData(data),
                        "SHA-384" => SHA384.HashData(data),
                        "SHA-512" => SHA512.HashData(data),
                        var other => throw Fail($"unknown hash algorithm '{other}'; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"),
                    };
                    return JsonValue.Create(Convert.ToHexStringLower(hash));
                }
            case "States.JsonMerge":
                {
                    if (a[0] is not JsonObject left || a[1] is not JsonObject right) throw Fail("both JSON arguments must be objects");
                    if (!JsonText.IsBoolean(a[2], out var deep)) throw Fail("the third argument must be a boolean");
                    if (deep) throw Fail("only a shallow merge is supported (the third argument must be false)");
                    var merged = (JsonObject)left.DeepClone();
                    foreach (var (key, value) in right) merged[key] = JsonText.Clone(value);
                    return merged;
                }
            case "States.MathRandom":
                {
                    long start = Integer(a, 0), end = Integer(a, 1);
                    if (end <= start) throw Fail("the end must be greater than the start");
                    var random = a.Count == 3 ? new Random((int)Integer(a, 2)).NextDouble() : scope.Random();
                    return JsonValue.Create(start + (long)Math.Floor(random * (end - start)));
                }
            case "States.MathAdd":
                {
                    long x = Integer(a, 0), y = Integer(a, 1);
                    if (x is < int.MinValue or > int.MaxValue || y is < int.MinValue or > int.MaxValue)
                        throw Fail("the arguments must be between -2147483648 and 2147483647");
                    return JsonValue.Create(x + y);
                }
            case "States.StringSplit":
                {
                    var s = String(a, 0);
                    var delimiters = String(a, 1).ToCharArray();
                    return new JsonArray([.. s.Split(delimiters, StringSplitOptions.RemoveEmptyEntries).Select(p => (JsonNode)JsonValue.Create(p))]);
                }
            case "States.UUID":
                return JsonValue.Create(Guid.NewGuid().ToString());
            default:
                throw new InvalidOperationException(Name);
        }
    }

    JsonNode Format(List<JsonNode?> a)
    {
        var (template, escaped) = Template(a);
        var sb = new StringBuilder();
        var next = 1;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (escaped && c == '\\' && i + 1 < template.Length)
            {
                sb.Append(template[++i]);
            }
            else if (c == '{' && i + 1 < template.Length && template[i + 1] == '}')
            {
                if (next >= a.Count) throw Fail($"the template has more {{}} than the {a.Count - 1} value(s) given");
                var value = a[next++];
                sb.Append(JsonText.Kind(value) switch
                {
                    JsonValueKind.String => value!.GetValue<string>(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => JsonText.Serialize(value),
                    _ => throw Fail($"argument {next} is {JsonText.Describe(value)}; only strings, numbers, booleans and null can be formatted"),
                });
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }
        if (next != a.Count) throw Fail($"the template has {next - 1} {{}} but {a.Count - 1} value(s) were given");
        return JsonValue.Create(sb.ToString());
    }

    StatesError Fail(string why) => StatesError.Intrinsic($"{Name}: {why}");

    string String(List<JsonNode?> a, int i) =>
        JsonText.IsString(a[i], out var s) ? s : throw Fail($"argument {i + 1} must be a string but is {JsonText.Describe(a[i])}");

    JsonArray Array(List<JsonNode?> a, int i) =>
        a[i] as JsonArray ?? throw Fail($"argument {i + 1} must be an array but is {JsonText.Describe(a[i])}");

    long Integer(List<JsonNode?> a, int i) =>
        JsonText.IsInteger(a[i], out var n) ? n : throw Fail($"argument {i + 1} must be an integer but is {JsonText.Serialize(a[i])}");

    sealed class Parser(string text, string location)
    {
        int i;

        public bool AtEnd => i >= text.Length;

        StatesDefinitionException Bad(string why) => new($"{location}: invalid intrinsic function \"{text}\": {why}");

        public void SkipSpaces()
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        }

        public IntrinsicCall Call(int depth)
        {
            if (depth > 10) throw Bad("intrinsic functions nest at most 10 deep");
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.')) i++;
            var name = text[start..i];
            if (!arity.TryGetValue(name, out var range))
                throw new UnsupportedFeatureException($"intrinsic function {name}", location);
            SkipSpaces();
            if (i >= text.Length || text[i] != '(') throw Bad($"expected '(' after {name}");
            i++;
            var args = new List<Argument>();
            SkipSpaces();
            if (i < text.Length && text[i] == ')')
            {
                i++;
            }
            else
            {
                while (true)
                {
                    SkipSpaces();
                    args.Add(Argument(depth));
                    SkipSpaces();
                    if (i >= text.Length) throw Bad("unclosed '('");
                    if (text[i] == ')')
                    {
                        i++;
                        break;
                    }
                    if (text[i] != ',') throw Bad($"expected ',' or ')' at position {i}");
                    i++;
                }
            }
            if (args.Count < range.Min || args.Count > range.Max)
                throw Bad($"{name} takes {(range.Min == range.Max ? range.Min.ToString(CultureInfo.InvariantCulture) : range.Max == int.MaxValue ? $"at least {range.Min}" : $"{range.Min} to {range.Max}")} argument(s), not {args.Count}");
            if (name == "States.JsonToString" && args[0] is not PathArgument)
                throw Bad("the argument of States.JsonToString must be a path");
            return new IntrinsicCall(name, args) { Text = text[start..i] };
        }

        Argument Argument(int depth)
        {
            var c = text[i];
            if (c == '\'') return StringLiteral();
            if (c == '$') return new PathArgument(PathArgumentText());
            if (text.AsSpan(i).StartsWith("States.", StringComparison.Ordinal)) return new CallArgument(Call(depth + 1));
            var start = i;
            while (i < text.Length && text[i] != ',' && text[i] != ')' && !char.IsWhiteSpace(text[i])) i++;
            var token = text[start..i];
            if (token is "true" or "false" or "null") return new Literal(JsonText.Parse(token), null);
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && token.All(ch => char.IsDigit(ch) || ch is '-' or '.' or 'e' or 'E' or '+'))
                return new Literal(JsonText.Parse(token), null);
            throw Bad($"'{token}' is not a string literal, number, boolean, null, path or intrinsic function");
        }

        Literal StringLiteral()
        {
            i++; // '
            var raw = new StringBuilder();
            var value = new StringBuilder();
            while (true)
            {
                if (i >= text.Length) throw Bad("unclosed string literal");
                var c = text[i++];
                if (c == '\'') break;
                if (c == '\\')
                {
                    if (i >= text.Length) throw Bad("unclosed string literal");
                    var escaped = text[i++];
                    raw.Append('\\').Append(escaped);
                    value.Append(escaped);
                    continue;
                }
                raw.Append(c);
                value.Append(c);
            }
            return new Literal(JsonValue.Create(value.ToString()), raw.ToString());
        }

        JsonPath PathArgumentText()
        {
            var start = i;
            var depth = 0;
            char? quote = null;
            while (i < text.Length)
            {
                var c = text[i];
                if (quote is not null)
                {
                    if (c == '\\') i++;
                    else if (c == quote) quote = null;
                }
                else if (c is '\'' or '"') quote = c;
                else if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (depth == 0 && (c == ',' || c == ')' || char.IsWhiteSpace(c))) break;
                i++;
            }
            var pathText = text[start..i];
            try
            {
                return JsonPath.Parse(pathText);
            }
            catch (FormatException e)
            {
                throw Bad(e.Message);
            }
            catch (NotSupportedException e)
            {
                throw new UnsupportedFeatureException(e.Message, location);
            }
        }
    }
}
