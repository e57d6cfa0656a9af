using System.Globalization;
using System.Text.Json;
using Nob.Aws.Mq.Model;

namespace Nob.Aws.Mq.Internal;

/// <summary>
/// Reading members of a JSON object by their wire names. A missing or null member reads as null (or empty);
/// a member of the wrong JSON type throws, which the pipeline reports as an unmarshalling error.
/// </summary>
internal static class MqJson
{
    public static string? Str(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    public static int? Int(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetInt32() : null;

    public static bool? Bool(this JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetBoolean() : null;

    /// <summary>An <c>iso8601</c> timestamp (epoch seconds are accepted too).</summary>
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

    // ---- shapes -------------------------------------------------------------------------------------------

    public static ConfigurationId ReadConfigurationId(JsonElement o) => new()
    {
        Id = o.Str("id") ?? string.Empty,
        Revision = o.Int("revision"),
    };

    public static ConfigurationRevision ReadConfigurationRevision(JsonElement o) => new()
    {
        Created = o.Time("created"),
        Description = o.Str("description"),
        Revision = o.Int("revision"),
    };

    public static Logs ReadLogs(JsonElement o) => new()
    {
        Audit = o.Bool("audit"),
        General = o.Bool("general"),
    };

    public static WeeklyStartTime ReadWeeklyStartTime(JsonElement o) => new()
    {
        DayOfWeek = o.Str("dayOfWeek") ?? string.Empty,
        TimeOfDay = o.Str("timeOfDay") ?? string.Empty,
        TimeZone = o.Str("timeZone"),
    };

    public static EncryptionOptions ReadEncryptionOptions(JsonElement o) => new()
    {
        KmsKeyId = o.Str("kmsKeyId"),
        UseAwsOwnedKey = o.Bool("useAwsOwnedKey") ?? false,
    };

    public static UserSummary ReadUserSummary(JsonElement o) => new()
    {
        PendingChange = o.Str("pendingChange"),
        Username = o.Str("username"),
    };

    // ---- writing ------------------------------------------------------------------------------------------

    public static void WriteStrings(this Utf8JsonWriter w, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    public static void WriteStringMap(this Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string>? values)
    {
        if (values is null)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    public static void WriteOptional(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    public static void WriteOptional(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is not null)
        {
            w.WriteBoolean(name, value.Value);
        }
    }

    public static void WriteConfigurationId(this Utf8JsonWriter w, string name, ConfigurationId? value)
    {
        if (value is null)
        {
            return;
        }

        RestJsonBinding.Require(value.Id, name + ".id");
        w.WriteStartObject(name);
        w.WriteString("id", value.Id);
        if (value.Revision is { } revision)
        {
            w.WriteNumber("revision", revision);
        }

        w.WriteEndObject();
    }

    public static void WriteLogs(this Utf8JsonWriter w, string name, Logs? value)
    {
        if (value is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteOptional("audit", value.Audit);
        w.WriteOptional("general", value.General);
        w.WriteEndObject();
    }

    public static void WriteWeeklyStartTime(this Utf8JsonWriter w, string name, WeeklyStartTime? value)
    {
        if (value is null)
        {
            return;
        }

        RestJsonBinding.Require(value.DayOfWeek, name + ".dayOfWeek");
        RestJsonBinding.Require(value.TimeOfDay, name + ".timeOfDay");
        w.WriteStartObject(name);
        w.WriteString("dayOfWeek", value.DayOfWeek);
        w.WriteString("timeOfDay", value.TimeOfDay);
        w.WriteOptional("timeZone", value.TimeZone);
        w.WriteEndObject();
    }

    public static void WriteEncryptionOptions(this Utf8JsonWriter w, string name, EncryptionOptions? value)
    {
        if (value is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteOptional("kmsKeyId", value.KmsKeyId);
        w.WriteBoolean("useAwsOwnedKey", value.UseAwsOwnedKey);
        w.WriteEndObject();
    }

    public static void WriteUsers(this Utf8JsonWriter w, string name, IReadOnlyList<User> users)
    {
        w.WriteStartArray(name);
        foreach (var user in users)
        {
            RestJsonBinding.Require(user.Username, name + ".username");
            RestJsonBinding.Require(user.Password, name + ".password");
            w.WriteStartObject();
            w.WriteOptional("consoleAccess", user.ConsoleAccess);
            w.WriteStrings("groups", user.Groups);
            w.WriteString("password", user.Password);
            w.WriteString("username", user.Username);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
