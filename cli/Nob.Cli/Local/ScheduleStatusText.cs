using System.Globalization;
using System.Text.Json.Nodes;

namespace Nob.Cli.Local;

/// <summary><c>nob status</c>'s lines for the schedules a running endpoint runs (its <c>GET /_localcloud/schedules</c>).</summary>
public static class ScheduleStatusText
{
    public const string Route = "_localcloud/schedules";

    /// <summary>One line per schedule; none when the endpoint runs none or does not answer the route.</summary>
    public static async Task<IReadOnlyList<string>> ReadAsync(LocalEndpointClient endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var http = endpoint.AdminHttp(TimeSpan.FromSeconds(5));
        try
        {
            using var response = await http.GetAsync(Route, cancellationToken);
            if (!response.IsSuccessStatusCode) return [];
            return Describe(JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // The rest of the status does not depend on it.
            return [$"Schedules: the endpoint did not say ({e.Message})"];
        }
    }

    public static IReadOnlyList<string> Describe(JsonNode? answer) =>
        [.. (answer?["schedules"] as JsonArray ?? []).OfType<JsonObject>().Select(Line)];

    static string Line(JsonObject schedule)
    {
        var head = $"Schedule {(string?)schedule["name"]}: {(string?)schedule["expression"]} ({(string?)schedule["timezone"]})";
        if ((string?)schedule["state"] != "ENABLED") return $"{head}, DISABLED: never runs";
        var next = Time(schedule["nextRun"]) is { } at ? $"next run {at}" : "no next run";
        var last = schedule["lastRun"] is JsonObject run
            ? (string?)run["executionArn"] is { } arn
                ? $"; last run {Time(run["scheduledTime"])} started {arn}"
                : $"; last run {Time(run["scheduledTime"])} failed ({(string?)run["error"]}), see {(string?)schedule["deadLetterFile"]}"
            : "";
        return $"{head}, {next}{last}";
    }

    static string? Time(JsonNode? value) =>
        (string?)value is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? at.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture)
            : null;
}
