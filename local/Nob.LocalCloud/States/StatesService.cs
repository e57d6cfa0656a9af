using System.Text.Json.Nodes;
using Nob.LocalBrokers;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.States;

internal sealed class ExecutionsData
{
    public List<ExecutionRecord> Executions { get; set; } = [];
}

/// <summary>An execution a local runner registered: the runner's process identity, and its end once reported.</summary>
internal sealed class ExecutionRecord
{
    public string ExecutionArn { get; set; } = "";

    public int Pid { get; set; }

    public long ProcessStartTime { get; set; }

    public string CommandLine { get; set; } = "";

    public DateTimeOffset StartDate { get; set; }

    /// <summary>SUCCEEDED, FAILED, TIMED_OUT or ABORTED once the runner reported the end; null while it runs.</summary>
    public string? EndStatus { get; set; }

    public DateTimeOffset? StopDate { get; set; }
}

/// <summary>
/// Step Functions as far as local mode needs it (awsJson 1.0, <c>X-Amz-Target: AWSStepFunctions.*</c>): DescribeExecution
/// of the executions the local runners (<c>nob up</c>, <c>down</c>, <c>drift</c>, which run the state machines in their own
/// process) register through the admin API. RUNNING while the registering process lives (same pid, start time and
/// command line) and has not reported the end; ABORTED when it died without reporting (killed); else the reported end.
/// Registrations are kept in <c>executions.json</c>, so they survive an endpoint restart.
/// </summary>
internal sealed class StatesService(string statePath)
{
    public const string Running = "RUNNING";

    private static readonly HashSet<string> EndStatuses = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

    private readonly object _gate = new();
    private readonly JsonStateFile<ExecutionsData> _file = new(statePath);
    private ExecutionsData? _data;

    /// <summary>At most this many registrations are kept (the oldest ended ones go first).</summary>
    public const int MaxExecutions = 1000;

    private ExecutionsData Data => _data ??= _file.Load();

    public JsonObject Handle(string operation, JsonObject request) => operation switch
    {
        "DescribeExecution" => DescribeExecution(request),
        _ => throw new ServiceError(400, "UnknownOperationException", $"The local endpoint implements only AWSStepFunctions.DescribeExecution, not {operation}"),
    };

    private JsonObject DescribeExecution(JsonObject r)
    {
        var arn = Json.String(r, "executionArn") ?? throw new ServiceError(400, "ValidationException", "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null");
        if (!arn.StartsWith("arn:", StringComparison.Ordinal) || arn.Split(':').Length < 8)
        {
            throw new ServiceError(400, "InvalidArn", $"Invalid Arn: '{arn}'");
        }

        ExecutionRecord record;
        lock (_gate)
        {
            record = Data.Executions.FirstOrDefault(e => e.ExecutionArn == arn)
                ?? throw new ServiceError(400, "ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
        }

        var parts = arn.Split(':');
        var status = Status(record);
        var response = new JsonObject
        {
            ["executionArn"] = arn,
            ["stateMachineArn"] = $"arn:aws:states:{parts[3]}:{parts[4]}:stateMachine:{parts[6]}",
            ["name"] = parts[7],
            ["status"] = status,
            ["startDate"] = record.StartDate.ToUnixTimeMilliseconds() / 1000.0,
        };
        if (status != Running)
        {
            response["stopDate"] = (record.StopDate ?? record.StartDate).ToUnixTimeMilliseconds() / 1000.0;
        }

        return response;
    }

    private static string Status(ExecutionRecord record) =>
        record.EndStatus ?? (new ProcessIdentity(record.Pid, record.ProcessStartTime, record.CommandLine).IsRunning ? Running : "ABORTED");

    /// <summary>Admin: a runner registers an execution it is about to run, with its own process identity.</summary>
    public void Register(string executionArn, ProcessIdentity runner, DateTimeOffset now)
    {
        lock (_gate)
        {
            Data.Executions.RemoveAll(e => e.ExecutionArn == executionArn);
            Data.Executions.Add(new ExecutionRecord
            {
                ExecutionArn = executionArn, Pid = runner.Pid, ProcessStartTime = runner.StartTime, CommandLine = runner.CommandLine, StartDate = now,
            });
            if (Data.Executions.Count > MaxExecutions)
            {
                var ended = Data.Executions.Where(e => e.EndStatus is not null).OrderBy(e => e.StopDate).Take(Data.Executions.Count - MaxExecutions).ToHashSet();
                Data.Executions.RemoveAll(ended.Contains);
            }

            _file.Save(Data);
        }
    }

    /// <summary>Admin: a runner reports how an execution it registered ended; false for an execution it did not register.</summary>
    public bool End(string executionArn, string status, DateTimeOffset now)
    {
        if (!EndStatuses.Contains(status))
        {
            throw new ArgumentException($"status \"{status}\" is not one of {string.Join(", ", EndStatuses)}", nameof(status));
        }

        lock (_gate)
        {
            if (Data.Executions.FirstOrDefault(e => e.ExecutionArn == executionArn) is not { } record)
            {
                return false;
            }

            record.EndStatus = status;
            record.StopDate = now;
            _file.Save(Data);
            return true;
        }
    }
}
