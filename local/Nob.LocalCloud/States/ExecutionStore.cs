using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.LocalBrokers;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.States;

internal sealed class ExecutionIndex
{
    public List<ExecutionRecord> Executions { get; set; } = [];
}

/// <summary>What the index keeps of one execution; its input, output and events are in its history file.</summary>
internal sealed class ExecutionRecord
{
    public string ExecutionArn { get; set; } = "";

    public string StateMachineArn { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.</summary>
    public string Status { get; set; } = ExecutionStatus.Running;

    public DateTimeOffset StartDate { get; set; }

    public DateTimeOffset? StopDate { get; set; }

    public string? Error { get; set; }

    public string? Cause { get; set; }

    public string? TraceHeader { get; set; }

    /// <summary>SHA-256 of the input the caller sent: a second start with the same name and input joins a running execution.</summary>
    public string InputSha256 { get; set; } = "";

    /// <summary>The execution whose states:startExecution task started this one; null for a StartExecution's.</summary>
    public string? ParentArn { get; set; }

    /// <summary>The history file's name in the executions folder.</summary>
    public string HistoryFile { get; set; } = "";

    public ExecutionRecord Copy() => (ExecutionRecord)MemberwiseClone();
}

internal static class ExecutionStatus
{
    public const string Running = "RUNNING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string TimedOut = "TIMED_OUT";
    public const string Aborted = "ABORTED";

    public static readonly string[] All = [Running, Succeeded, Failed, TimedOut, Aborted];
}

/// <summary>
/// Executions kept in the data folder: <c>executions/index.json</c> (one small record each, replaced durably at each start
/// and end) and one append-only history file per execution (<c>executions/&lt;hash&gt;.jsonl</c>, one event a line, in
/// GetExecutionHistory's shape with the execution data). All 0600 in a 0700 folder. At most <see cref="MaxExecutions"/>
/// are kept: past it the oldest ended ones go, with their history. Callers serialize access (the host's lock).
/// </summary>
internal sealed class ExecutionStore
{
    public const int MaxExecutions = 1000;

    private readonly JsonStateFile<ExecutionIndex> _index;
    private readonly ExecutionIndex _data;

    private readonly int _maxExecutions;

    public ExecutionStore(string folder, int maxExecutions = MaxExecutions)
    {
        _maxExecutions = maxExecutions;
        Folder = PrivateFiles.CreateFolder(folder);
        _index = new JsonStateFile<ExecutionIndex>(Path.Combine(Folder, "index.json"));
        _data = _index.Load();
    }

    public string Folder { get; }

    public IReadOnlyList<ExecutionRecord> All => _data.Executions;

    public ExecutionRecord? Find(string executionArn) => _data.Executions.FirstOrDefault(e => e.ExecutionArn == executionArn);

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Adds a record (its history file named after its ARN), drops the oldest ended ones past the bound, saves.</summary>
    public void Add(ExecutionRecord record)
    {
        record.HistoryFile = Sha256(record.ExecutionArn)[..32] + ".jsonl";
        _data.Executions.RemoveAll(e => e.ExecutionArn == record.ExecutionArn);
        _data.Executions.Add(record);
        var excess = _data.Executions.Count - _maxExecutions;
        if (excess > 0)
        {
            foreach (var old in _data.Executions.Where(e => e.Status != ExecutionStatus.Running).OrderBy(e => e.StopDate).Take(excess).ToList())
            {
                _data.Executions.Remove(old);
                File.Delete(HistoryPath(old));
            }
        }

        Save();
    }

    public void Save() => _index.Save(_data);

    public string HistoryPath(ExecutionRecord record) => Path.Combine(Folder, record.HistoryFile);

    /// <summary>The history file opened for appending (created 0600).</summary>
    public FileStream OpenHistory(ExecutionRecord record) => PrivateFiles.OpenAppend(HistoryPath(record));

    public static void WriteEvent(Stream stream, JsonObject historyEvent)
    {
        stream.Write(Encoding.UTF8.GetBytes(historyEvent.ToJsonString() + "\n"));
        stream.Flush();
    }

    /// <summary>
    /// The events in a history file, in order. A line the endpoint was killed while writing (the last one, torn) is
    /// skipped; so is a missing file (an execution whose history was never written).
    /// </summary>
    public List<JsonObject> ReadHistory(ExecutionRecord record)
    {
        var path = HistoryPath(record);
        var events = new List<JsonObject>();
        if (!File.Exists(path))
        {
            return events;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(line) is JsonObject e)
                {
                    events.Add(e);
                }
            }
            catch (JsonException)
            {
                // A torn last line: the event was not recorded.
            }
        }

        return events;
    }

    /// <summary>Appends one event after what the file holds, first ending a torn last line so the event gets its own line.</summary>
    public void AppendAfterCrash(ExecutionRecord record, JsonObject historyEvent)
    {
        var path = HistoryPath(record);
        var tornLine = File.Exists(path) && new FileInfo(path).Length > 0 && LastByte(path) != (byte)'\n';
        using var stream = PrivateFiles.OpenAppend(path);
        if (tornLine)
        {
            stream.WriteByte((byte)'\n');
        }

        WriteEvent(stream, historyEvent);
        stream.Flush(flushToDisk: true);
    }

    private static byte LastByte(string path)
    {
        using var stream = File.OpenRead(path);
        stream.Seek(-1, SeekOrigin.End);
        return (byte)stream.ReadByte();
    }
}
