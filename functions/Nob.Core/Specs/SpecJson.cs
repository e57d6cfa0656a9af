using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nob.Core.Specs;

/// <summary>
/// The structural checks every section of a spec shares (what the schema says of a value: its JSON kind, pattern, range,
/// the fields allowed), each reporting its problem with the path and what is allowed.
/// </summary>
internal static class SpecJson
{
    public static string Join(string parent, string field) => parent.Length == 0 ? field : $"{parent}.{field}";

    /// <summary>Any member whose name speaks of a password is refused wherever it is: the password lives only in SSM.</summary>
    public static void FindPasswords(JsonNode? node, string path, SpecErrors errors)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    var childPath = Join(path, key);
                    if (key.Contains("password", StringComparison.OrdinalIgnoreCase) && key != "passwordParameter")
                    {
                        errors.Add(childPath, "a password never goes in the spec; store it as an SSM SecureString parameter and name that parameter in user.passwordParameter");
                    }
                    else
                    {
                        FindPasswords(value, childPath, errors);
                    }
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) FindPasswords(a[i], $"{path}[{i}]", errors);
                break;
        }
    }

    public static bool IsPasswordField(string key) => key.Contains("password", StringComparison.OrdinalIgnoreCase) && key != "passwordParameter";

    public static void CheckFields(JsonObject obj, string path, IReadOnlyCollection<string> allowed, SpecErrors errors)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key) && !IsPasswordField(key))
            {
                errors.Add(Join(path, key), $"unknown field; allowed here: {string.Join(", ", allowed)}");
            }
        }
    }

    /// <summary>A section that must be an object: the object, its fields checked, or null with the error when it is not one.</summary>
    public static JsonObject? CheckedObject(JsonNode node, string path, IReadOnlyCollection<string> allowed, SpecErrors errors)
    {
        if (node is not JsonObject obj)
        {
            errors.Add(path, $"{Describe(node)} is not an object");
            return null;
        }
        CheckFields(obj, path, allowed, errors);
        return obj;
    }

    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    /// <summary>Text as a JSON string literal, so control characters in a spec never reach a terminal or log raw.</summary>
    public static string Quote(string value) => $"\"{System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value)}\"";

    public static string? AsString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static string? ReadName(JsonObject obj, string field, string path, Regex pattern, int maxLength, SpecErrors errors, bool required)
    {
        var node = obj[field];
        if (node is null)
        {
            if (required) errors.Add(path, $"required; use 1-{maxLength} letters, digits, '-' or '_'");
            return null;
        }
        var value = AsString(node);
        if (value is null)
        {
            errors.Add(path, $"{Describe(node)} is not text; use 1-{maxLength} letters, digits, '-' or '_'");
            return null;
        }
        if (NameProblem(value, pattern, maxLength) is not { } problem) return value;
        errors.Add(path, problem);
        return null;
    }

    public static string? NameProblem(string value, Regex pattern, int maxLength)
    {
        if (pattern.IsMatch(value)) return null;
        var why = value.Length == 0 ? "is empty"
            : value.Length > maxLength ? $"is {value.Length} characters long"
            : value.Any(char.IsControl) ? $"contains the control character U+{(int)value.First(char.IsControl):X4}"
            : value.Any(char.IsWhiteSpace) ? "contains a space"
            : $"contains '{value.First(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))}'";
        return $"{Quote(value)} {why}; use 1-{maxLength} letters, digits, '-' or '_'";
    }

    public static string? OptionalString(JsonObject obj, string field, string path, SpecErrors errors)
    {
        var node = obj[field];
        if (node is null) return null;
        var value = AsString(node);
        if (value is null) errors.Add(path, $"{Describe(node)} is not text");
        return value;
    }

    public static string? PatternString(JsonNode? node, string path, Regex pattern, string allowed, SpecErrors errors)
    {
        var value = AsString(node);
        if (value is null)
        {
            errors.Add(path, $"{Describe(node)} is not text; use {allowed}");
            return null;
        }
        if (!pattern.IsMatch(value))
        {
            errors.Add(path, $"\"{value}\" is not allowed; use {allowed}");
            return null;
        }
        return value;
    }

    public static bool? OptionalBool(JsonNode? node, string path, SpecErrors errors)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return v.GetValue<bool>();
        errors.Add(path, $"{Describe(node)} is not allowed; use true or false");
        return null;
    }

    public static int? OptionalInt(JsonNode? node, string path, int min, int max, SpecErrors errors)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) && i >= min && i <= max) return i;
        errors.Add(path, $"{Describe(node)} is not allowed; use a whole number from {min} to {max}");
        return null;
    }

    public static List<string>? StringList(JsonNode? node, string path, Regex pattern, string allowed, SpecErrors errors)
    {
        if (node is null) return null;
        if (node is not JsonArray array)
        {
            errors.Add(path, $"{Describe(node)} is not a list; use a list of {allowed}");
            return null;
        }
        var result = new List<string>();
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            var item = PatternString(array[i], $"{path}[{i}]", pattern, allowed, errors);
            if (item is null) ok = false;
            else if (result.Contains(item))
            {
                errors.Add($"{path}[{i}]", $"\"{item}\" is listed twice");
                ok = false;
            }
            else result.Add(item);
        }
        return ok ? result : null;
    }
}
