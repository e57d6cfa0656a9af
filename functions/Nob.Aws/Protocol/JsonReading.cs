using System.Globalization;
using System.Text.Json;

namespace Nob.Aws.Protocol;

/// <summary>
/// Reading members of a JSON object by their wire names. A missing or null member reads as null (or empty);
/// a member of the wrong JSON type throws, which the pipeline reports as an unmarshalling error.
/// </summary>
internal static class JsonReading
{
    public static string? Str(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    public static int? Int(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetInt32() : null;

    public static long? Long(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetInt64() : null;

    public static bool? Bool(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetBoolean() : null;

    /// <summary>A timestamp: ISO 8601 text (rest-json) or epoch seconds (awsJson).</summary>
    public static DateTimeOffset? Time(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v.GetDouble() * 1000))
            : DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    public static T? Obj<T>(this JsonElement obj, string name, Func<JsonElement, T> read)
        where T : class
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? read(Expect(v, JsonValueKind.Object, name)) : null;

    public static IReadOnlyList<T> List<T>(this JsonElement obj, string name, Func<JsonElement, T> read)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var items = new List<T>();
        foreach (var item in Expect(v, JsonValueKind.Array, name).EnumerateArray())
        {
            items.Add(read(item));
        }

        return items;
    }

    public static IReadOnlyList<string> Strings(this JsonElement obj, string name)
        => obj.List(name, item => item.GetString() ?? string.Empty);

    public static IReadOnlyDictionary<string, string> StringMap(this JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
        {
            foreach (var p in Expect(v, JsonValueKind.Object, name).EnumerateObject())
            {
                map[p.Name] = p.Value.GetString() ?? string.Empty;
            }
        }

        return map;
    }

    private static JsonElement Expect(JsonElement v, JsonValueKind kind, string name)
        => v.ValueKind == kind ? v : throw new InvalidOperationException($"Member '{name}' is {v.ValueKind}, expected {kind}.");
}
