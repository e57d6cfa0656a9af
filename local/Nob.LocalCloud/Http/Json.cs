using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.LocalCloud.Http;

/// <summary>Reading request members with their JSON types checked; a wrong type is a <c>SerializationException</c> naming the member.</summary>
internal static class Json
{
    public const string SerializationError = "SerializationException";

    public static JsonObject ParseObject(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new ServiceError(400, SerializationError, "The request body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ServiceError(400, SerializationError, $"The request body is not valid JSON: {e.Message}");
        }
    }

    public static string? String(JsonObject o, string name) => Value(o, name, JsonValueKind.String, "a string")?.GetValue<string>();

    public static bool? Bool(JsonObject o, string name)
    {
        var node = o[name];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Wrong(name, "a boolean"),
        };
    }

    public static int? Int(JsonObject o, string name)
    {
        var value = Value(o, name, JsonValueKind.Number, "a whole number");
        return value is null ? null : value.TryGetValue<int>(out var i) ? i : throw Wrong(name, "a whole number");
    }

    public static JsonObject? Object(JsonObject o, string name)
    {
        var node = o[name];
        return node is null ? null : node as JsonObject ?? throw Wrong(name, "an object");
    }

    public static IReadOnlyList<JsonObject>? Objects(JsonObject o, string name)
    {
        var node = o[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonArray array && array.All(i => i is JsonObject) ? [.. array.Cast<JsonObject>()] : throw Wrong(name, "a list of objects");
    }

    public static IReadOnlyList<string>? Strings(JsonObject o, string name)
    {
        var node = o[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonArray array && array.All(i => i?.GetValueKind() == JsonValueKind.String)
            ? [.. array.Select(i => i!.GetValue<string>())]
            : throw Wrong(name, "a list of strings");
    }

    public static IReadOnlyDictionary<string, string>? StringMap(JsonObject o, string name)
    {
        var map = Object(o, name);
        if (map is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            result[key] = value?.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw Wrong($"{name}.{key}", "a string");
        }

        return result;
    }

    private static JsonValue? Value(JsonObject o, string name, JsonValueKind kind, string what)
    {
        var node = o[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue v && v.GetValueKind() == kind ? v : throw Wrong(name, what);
    }

    private static ServiceError Wrong(string name, string what) => new(400, SerializationError, $"'{name}' must be {what}", name);
}
