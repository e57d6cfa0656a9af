using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.StepFunctions;

/// <summary>
/// One event an events:putEvents task put, as EventBridge accepted it. <see cref="Resources"/> ends with the execution's
/// and the state machine's ARNs, which Step Functions' optimized integration appends.
/// </summary>
public sealed record PutEventsEntry
{
    public required string EventId { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string Source { get; init; }
    public required string DetailType { get; init; }

    /// <summary>The detail as EventBridge holds it: JSON object text.</summary>
    public required string Detail { get; init; }

    /// <summary>The bus named by the entry (a name or an ARN), "default" when none is named.</summary>
    public required string EventBusName { get; init; }

    public required IReadOnlyList<string> Resources { get; init; }
    public required string Region { get; init; }
    public required string Account { get; init; }

    /// <summary>The execution and state that put the event (not part of the event on AWS; for local reports).</summary>
    public required string ExecutionArn { get; init; }
    public required string StateName { get; init; }

    /// <summary>
    /// The event as EventBridge delivers it to a rule's target (version, id, detail-type, source, account, time, region,
    /// resources, detail), plus "event-bus-name" (which the envelope does not carry on AWS).
    /// </summary>
    public JsonObject ToEnvelope() => new()
    {
        ["version"] = "0",
        ["id"] = EventId,
        ["detail-type"] = DetailType,
        ["source"] = Source,
        ["account"] = Account,
        ["time"] = Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["region"] = Region,
        ["resources"] = new JsonArray([.. Resources.Select(r => (JsonNode)JsonValue.Create(r))]),
        ["detail"] = JsonNode.Parse(Detail),
        ["event-bus-name"] = EventBusName,
    };
}

/// <summary>
/// Appends every event put to a file, one JSON object a line (<see cref="PutEventsEntry.ToEnvelope"/>). Use as
/// <c>new LocalStateMachineOptions { OnPutEvents = new JsonLinesEventRecorder(path).RecordAsync }</c>. Safe for
/// concurrent Map iterations and nested executions: lines never interleave.
/// </summary>
public sealed class JsonLinesEventRecorder(string path)
{
    readonly SemaphoreSlim gate = new(1, 1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task RecordAsync(IReadOnlyList<PutEventsEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (var entry in entries) text.Append(entry.ToEnvelope().ToJsonString(JsonText.Options)).Append('\n');
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory) Directory.CreateDirectory(directory);
            await File.AppendAllTextAsync(Path, text.ToString(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads back the events of a file written by a recorder (one envelope a line), for tests and reports.</summary>
    public static IReadOnlyList<JsonObject> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l) as JsonObject ?? throw new JsonException($"{path}: a line is not a JSON object"))];
}
