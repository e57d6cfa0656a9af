using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.StepFunctions;

/// <summary>JSON helpers shared by the runner: one serialization style (compact, no HTML escaping, as AWS writes it).</summary>
internal static class JsonText
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    static readonly JsonDocumentOptions documentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 };

    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Options);

    public static int Utf8Size(JsonNode? node) => Encoding.UTF8.GetByteCount(Serialize(node));

    /// <summary>Parses JSON text; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static JsonNode? Parse(string text) => JsonNode.Parse(text, documentOptions: documentOptions);

    static readonly JsonDocumentOptions strictOptions = documentOptions with { AllowDuplicateProperties = false };

    /// <summary>Parses JSON text that must not repeat a property name (a definition: two states with one name).</summary>
    public static JsonNode? ParseStrict(string text) => JsonNode.Parse(text, documentOptions: strictOptions);

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>The node itself when it has no parent yet, else a copy (a node can only live in one tree).</summary>
    public static JsonNode? Detached(JsonNode? node) => node?.Parent is null ? node : node.DeepClone();

    public static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    public static bool IsString(JsonNode? node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            value = v.GetValue<string>();
            return true;
        }
        value = "";
        return false;
    }

    public static bool IsBoolean(JsonNode? node, out bool value)
    {
        var kind = Kind(node);
        value = kind == JsonValueKind.True;
        return kind is JsonValueKind.True or JsonValueKind.False;
    }

    public static bool IsNumber(JsonNode? node) => Kind(node) == JsonValueKind.Number;

    /// <summary>A JSON number as a double (every JSON number fits, possibly rounded).</summary>
    public static bool IsNumber(JsonNode? node, out double value)
    {
        value = 0;
        return IsNumber(node) && double.TryParse(node!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A JSON number as a decimal, when it fits one exactly enough (most do); used for exact comparisons.</summary>
    public static bool IsDecimal(JsonNode? node, out decimal value)
    {
        value = 0;
        return IsNumber(node) && decimal.TryParse(node!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A JSON number with an integral value (1 and 1.0 both count) within long's range.</summary>
    public static bool IsInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (!IsDecimal(node, out var d) || d != decimal.Truncate(d) || d < long.MinValue || d > long.MaxValue) return false;
        value = (long)d;
        return true;
    }

    /// <summary>Compares two JSON numbers: exactly as decimals when both fit, else as doubles.</summary>
    public static int CompareNumbers(JsonNode a, JsonNode b)
    {
        if (IsDecimal(a, out var x) && IsDecimal(b, out var y)) return x.CompareTo(y);
        IsNumber(a, out var p);
        IsNumber(b, out var q);
        return p.CompareTo(q);
    }

    public static string Describe(JsonNode? node) => Kind(node) switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>The ISO 8601 form Step Functions uses in the context object: UTC, milliseconds, 'Z'.</summary>
    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
