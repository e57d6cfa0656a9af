using System.Text.Json;
using Nob.Aws.Mq.Model;
using Nob.Aws.Protocol;

namespace Nob.Aws.Mq.Internal;

/// <summary>Reading and writing Amazon MQ's shapes by their wire names (on the shared <see cref="JsonReading"/> and <see cref="JsonWriting"/>).</summary>
internal static class MqJson
{
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

    public static void WriteConfigurationId(this Utf8JsonWriter w, string name, ConfigurationId? value)
        => w.WriteOptionalObject(name, value, (o, id) =>
        {
            RequestMembers.Require(id.Id, name + ".id");
            o.WriteString("id", id.Id);
            o.WriteOptional("revision", id.Revision);
        });

    public static void WriteLogs(this Utf8JsonWriter w, string name, Logs? value)
        => w.WriteOptionalObject(name, value, (o, logs) =>
        {
            o.WriteOptional("audit", logs.Audit);
            o.WriteOptional("general", logs.General);
        });

    public static void WriteWeeklyStartTime(this Utf8JsonWriter w, string name, WeeklyStartTime? value)
        => w.WriteOptionalObject(name, value, (o, time) =>
        {
            RequestMembers.Require(time.DayOfWeek, name + ".dayOfWeek");
            RequestMembers.Require(time.TimeOfDay, name + ".timeOfDay");
            o.WriteString("dayOfWeek", time.DayOfWeek);
            o.WriteString("timeOfDay", time.TimeOfDay);
            o.WriteOptional("timeZone", time.TimeZone);
        });

    public static void WriteEncryptionOptions(this Utf8JsonWriter w, string name, EncryptionOptions? value)
        => w.WriteOptionalObject(name, value, (o, encryption) =>
        {
            o.WriteOptional("kmsKeyId", encryption.KmsKeyId);
            o.WriteBoolean("useAwsOwnedKey", encryption.UseAwsOwnedKey);
        });

    public static void WriteUsers(this Utf8JsonWriter w, string name, IReadOnlyList<User> users)
    {
        w.WriteStartArray(name);
        foreach (var user in users)
        {
            RequestMembers.Require(user.Username, name + ".username");
            RequestMembers.Require(user.Password, name + ".password");
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
