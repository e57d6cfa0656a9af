using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nob.StepFunctions;

namespace Nob.LocalCloud.Api;

/// <summary>
/// An API Gateway model: a JSON Schema draft 4 document, checked the way API Gateway's body validator checks a request.
/// The keywords understood are the ones a body model of ours may use: <c>type</c>, <c>required</c>, <c>properties</c>,
/// <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>minLength</c>/<c>maxLength</c>/<c>pattern</c>,
/// <c>minimum</c>/<c>maximum</c> (with draft 4's boolean <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>) and
/// <c>minItems</c>/<c>maxItems</c>; annotations (<c>title</c>, <c>description</c>, <c>default</c>, <c>example</c>,
/// <c>format</c>, <c>$schema</c>) are ignored. Any other keyword is refused when the model is read, so a model that
/// grows beyond this never passes requests unchecked.
/// </summary>
internal sealed class JsonSchemaModel
{
    static readonly HashSet<string> Annotations = new(StringComparer.Ordinal) { "title", "description", "default", "example", "format", "$schema" };

    static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "type", "required", "properties", "additionalProperties", "items", "enum", "minLength", "maxLength", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
    };

    readonly JsonObject schema;
    readonly Dictionary<string, JsonSchemaModel> properties = new(StringComparer.Ordinal);
    readonly JsonSchemaModel? additional;
    readonly bool additionalAllowed = true;
    readonly JsonSchemaModel? items;
    readonly Regex? pattern;

    JsonSchemaModel(JsonObject schema, string location)
    {
        this.schema = schema;
        foreach (var (keyword, _) in schema)
            if (!Keywords.Contains(keyword) && !Annotations.Contains(keyword))
                throw new UnsupportedFeatureException($"the JSON Schema keyword \"{keyword}\"", location, "the local body validator checks " + string.Join(", ", Keywords.Order(StringComparer.Ordinal)));
        if (schema["properties"] is JsonObject declared)
            foreach (var (name, value) in declared)
                properties[name] = Read(value as JsonObject ?? throw new StatesDefinitionException($"{location}.properties.{name}: not a schema"), $"{location}.properties.{name}");
        switch (schema["additionalProperties"])
        {
            case JsonObject extra: additional = Read(extra, $"{location}.additionalProperties"); break;
            case JsonValue flag when flag.GetValueKind() == JsonValueKind.False: additionalAllowed = false; break;
        }
        if (schema["items"] is JsonObject item) items = Read(item, $"{location}.items");
        if ((string?)schema["pattern"] is { } regex) pattern = new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public static JsonSchemaModel Read(JsonObject schema, string location) => new(schema, location);

    /// <summary>True when the body text is JSON that the schema accepts. An empty body is checked as <c>{}</c>.</summary>
    public bool Accepts(string? body)
    {
        JsonNode? document;
        try
        {
            document = string.IsNullOrWhiteSpace(body) ? new JsonObject() : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return false;
        }
        return Accepts(document);
    }

    bool Accepts(JsonNode? value)
    {
        if (schema["type"] is { } type && !(type is JsonArray types ? types.Any(t => IsType(value, (string?)t)) : IsType(value, (string?)type)))
            return false;
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            return false;
        switch (value)
        {
            case JsonObject obj:
                foreach (var name in schema["required"] as JsonArray ?? [])
                    if (!obj.ContainsKey((string)name!)) return false;
                foreach (var (name, member) in obj)
                {
                    if (properties.TryGetValue(name, out var declared)) { if (!declared.Accepts(member)) return false; }
                    else if (!additionalAllowed || additional?.Accepts(member) == false) return false;
                }
                return true;
            case JsonArray array:
                return !(Number("minItems") is { } minItems && array.Count < minItems)
                    && !(Number("maxItems") is { } maxItems && array.Count > maxItems)
                    && (items is null || array.All(items.Accepts));
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                var text = scalar.GetValue<string>();
                var length = text.EnumerateRunes().Count();
                return !(Number("minLength") is { } minLength && length < minLength)
                    && !(Number("maxLength") is { } maxLength && length > maxLength)
                    && (pattern is null || pattern.IsMatch(text));
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.Number:
                var number = scalar.GetValue<double>();
                var exclusiveMin = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
                var exclusiveMax = schema["exclusiveMaximum"]?.GetValue<bool>() == true;
                return !(Number("minimum") is { } min && (exclusiveMin ? number <= min : number < min))
                    && !(Number("maximum") is { } max && (exclusiveMax ? number >= max : number > max));
            default:
                return true;
        }
    }

    double? Number(string keyword) => schema[keyword] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    static bool IsType(JsonNode? value, string? type) => (type, value) switch
    {
        ("object", JsonObject) => true,
        ("array", JsonArray) => true,
        ("null", null) => true,
        ("string", JsonValue v) => v.GetValueKind() == JsonValueKind.String,
        ("boolean", JsonValue v) => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        ("number", JsonValue v) => v.GetValueKind() == JsonValueKind.Number,
        ("integer", JsonValue v) => v.GetValueKind() == JsonValueKind.Number && double.IsInteger(v.GetValue<double>()),
        _ => false,
    };
}
