using System.Globalization;
using System.Text.Json.Nodes;

namespace Nob.LocalCloud.Mq;

/// <summary>The small JSON shapes Amazon MQ's answers share (references, summaries, timestamps), and its habit of omitting nulls.</summary>
internal static class MqJson
{
    public static JsonObject Ref(ConfigRef r) => new() { ["id"] = r.Id, ["revision"] = r.Revision };

    public static JsonObject UserSummary(UserRecord u) => WithoutNulls(new JsonObject { ["pendingChange"] = u.PendingChange, ["username"] = u.Username });

    public static JsonObject RevisionSummary(RevisionRecord v) => WithoutNulls(new JsonObject
    {
        ["created"] = Iso(v.Created),
        ["description"] = v.Description,
        ["revision"] = v.Revision,
    });

    public static JsonObject Tags(IReadOnlyDictionary<string, string> tags) => new([.. tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]);

    public static JsonObject MaintenanceWindow(MaintenanceWindow window) => new()
    {
        ["dayOfWeek"] = window.DayOfWeek,
        ["timeOfDay"] = window.TimeOfDay,
        ["timeZone"] = window.TimeZone,
    };

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Removes null members, at every depth, as Amazon MQ leaves unset members out.</summary>
    public static JsonObject WithoutNulls(JsonObject o)
    {
        foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(key);
        }

        foreach (var child in o.Select(p => p.Value).OfType<JsonObject>())
        {
            WithoutNulls(child);
        }

        return o;
    }
}
