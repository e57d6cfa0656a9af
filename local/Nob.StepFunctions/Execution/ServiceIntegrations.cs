using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.StepFunctions.Definition;

namespace Nob.StepFunctions;

// The optimized integrations besides lambda:invoke: events:putEvents and states:startExecution.sync(:2).
internal sealed partial class ExecutionRun
{
    /// <summary>EventBridge's limits for one PutEvents request.</summary>
    const int PutEventsMaxEntries = 10;
    const int PutEventsMaxBytes = 262144;

    readonly List<PutEventsEntry> putEvents = [];
    readonly List<ExecutionResult> children = [];

    IReadOnlyList<PutEventsEntry> PutEventsSoFar
    {
        get
        {
            lock (gate) return [.. putEvents];
        }
    }

    IReadOnlyList<ExecutionResult> ChildExecutionsSoFar
    {
        get
        {
            lock (gate) return [.. children];
        }
    }

    JsonObject EvaluateParameters(TaskState task, StateRun s, JsonNode? raw)
    {
        var effective = ApplyInputPath(task, raw);
        var parameters = task.Parameters.Evaluate(Scope(effective, s)) as JsonObject ?? throw new InvalidOperationException("Parameters is an object");
        CheckPayload(parameters, s, "input (after Parameters)");
        return parameters;
    }

    StatesError TaskFailed(TaskState task, Frame frame, string error, string cause)
    {
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskFailed, StateName = task.Name, Resource = task.ShortResource, Error = error, Cause = cause });
        return new StatesError(error, cause);
    }

    JsonNode? TaskSucceeded(TaskState task, StateRun s, Frame frame, JsonNode result)
    {
        CheckPayload(result, s, "task result");
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskSucceeded, StateName = task.Name, Resource = task.ShortResource, Output = JsonText.Serialize(result) });
        return result;
    }

    // ---- events:putEvents ----

    /// <summary>
    /// EventBridge PutEvents as Step Functions' optimized integration calls it: the execution's and state machine's ARNs
    /// are appended to each entry's Resources; entries EventBridge would reject (no Source, DetailType or Detail, a Detail
    /// that is not a JSON object) fail alone while the others are put, and then the task fails with EventBridge.FailedEntry.
    /// A request over EventBridge's limits (10 entries, 256 KiB) fails whole.
    /// </summary>
    async Task<JsonNode?> PutEventsAsync(TaskState task, StateRun s, JsonNode? raw, Frame frame)
    {
        var parameters = EvaluateParameters(task, s, raw);
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskScheduled, StateName = task.Name, Resource = task.ShortResource, Input = JsonText.Serialize(parameters) });
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskStarted, StateName = task.Name, Resource = task.ShortResource });

        if (parameters["Entries"] is not JsonArray { Count: > 0 and <= PutEventsMaxEntries } entries || entries.Any(e => e is not JsonObject))
            throw TaskFailed(task, frame, "EventBridge.EventBridgeException",
                $"Entries must be an array of 1 to {PutEventsMaxEntries} entries (Service: EventBridge, Status Code: 400, Error Code: ValidationException)");

        var now = Clock.GetUtcNow();
        var results = new JsonArray();
        var accepted = new List<PutEventsEntry>();
        var failed = 0;
        var size = 0;
        foreach (JsonObject entry in entries.Cast<JsonObject>())
        {
            foreach (var (key, _) in entry)
                if (!DefinitionReader.PutEventsEntryFields.Contains(key))
                    throw new UnsupportedFeatureException($"the PutEvents entry field {key}", task.Location, $"only {string.Join(", ", DefinitionReader.PutEventsEntryFields)} are implemented");
            var (code, message, detail) = CheckEntry(entry);
            var resources = entry["Resources"] is JsonArray given ? given.Select(r => JsonText.IsString(r, out var t) ? t : JsonText.Serialize(r)).ToList() : [];
            resources.Add(ExecutionArn);
            resources.Add(Machine.Arn);
            // EventBridge's entry size: 14 bytes for Time, then Source, DetailType, Detail and Resources in UTF-8.
            size += 14 + Utf8(entry["Source"]) + Utf8(entry["DetailType"]) + Encoding.UTF8.GetByteCount(detail ?? "") + resources.Sum(r => Encoding.UTF8.GetByteCount(r));
            if (code is not null)
            {
                failed++;
                results.Add(new JsonObject { ["ErrorCode"] = code, ["ErrorMessage"] = message });
                continue;
            }
            var id = Guid.NewGuid().ToString();
            results.Add(new JsonObject { ["EventId"] = id });
            accepted.Add(new PutEventsEntry
            {
                EventId = id,
                Time = now,
                Source = (string)entry["Source"]!,
                DetailType = (string)entry["DetailType"]!,
                Detail = detail!,
                EventBusName = JsonText.IsString(entry["EventBusName"], out var bus) && bus.Length > 0 ? bus : "default",
                Resources = resources,
                Region = Machine.Options.Region,
                Account = Machine.Options.Account,
                ExecutionArn = ExecutionArn,
                StateName = task.Name,
            });
        }
        if (size > PutEventsMaxBytes)
            throw TaskFailed(task, frame, "EventBridge.EventBridgeException",
                $"Total size of the entries in the request is over the limit. (Service: EventBridge, Status Code: 400, Error Code: ValidationException)");

        if (accepted.Count > 0)
        {
            if (Machine.Options.OnPutEvents is { } deliver) await deliver(accepted, HostToken).ConfigureAwait(false);
            lock (gate) putEvents.AddRange(accepted);
        }
        var response = new JsonObject { ["Entries"] = results, ["FailedEntryCount"] = failed };
        if (failed > 0) throw TaskFailed(task, frame, "EventBridge.FailedEntry", JsonText.Serialize(response));
        return TaskSucceeded(task, s, frame, response);
    }

    static int Utf8(JsonNode? node) => JsonText.IsString(node, out var text) ? Encoding.UTF8.GetByteCount(text) : 0;

    /// <summary>EventBridge's per-entry checks: (ErrorCode, ErrorMessage, null) or (null, null, the Detail as JSON text).</summary>
    static (string? Code, string? Message, string? Detail) CheckEntry(JsonObject entry)
    {
        foreach (var field in new[] { "Source", "DetailType", "Detail" })
        {
            if (!entry.ContainsKey(field) || entry[field] is null || (JsonText.IsString(entry[field], out var t) && t.Length == 0))
                return ("InvalidArgument", $"Parameter {field} is not valid. Reason: {field} is a required argument.", null);
        }
        foreach (var field in new[] { "Source", "DetailType" })
            if (!JsonText.IsString(entry[field], out _)) return ("InvalidArgument", $"Parameter {field} is not valid. Reason: {field} must be a string.", null);
        // An object is serialized, as Step Functions does; a string must already be a JSON object's text.
        var detail = entry["Detail"] switch
        {
            JsonObject o => JsonText.Serialize(o),
            var v when JsonText.IsString(v, out var text) && IsJsonObject(text) => text,
            _ => null,
        };
        return detail is null ? ("MalformedDetail", "Detail is malformed.", null) : (null, null, detail);
    }

    static bool IsJsonObject(string text)
    {
        try
        {
            return JsonText.Parse(text) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // ---- states:startExecution.sync:2 and .sync ----

    /// <summary>
    /// Runs another state machine to its end as a nested execution (same functions and options). The result is what
    /// DescribeExecution returns, with Input and Output parsed (.sync:2) or as strings (.sync); a child that fails fails
    /// the task with States.TaskFailed and that description as its Cause, as Step Functions does.
    /// </summary>
    async Task<JsonNode?> StartExecutionAsync(TaskState task, StateRun s, JsonNode? raw, Frame frame)
    {
        var parameters = EvaluateParameters(task, s, raw);
        if (!JsonText.IsString(parameters["StateMachineArn"], out var arn))
            throw StatesError.Runtime($"The field 'StateMachineArn' must be a string, but is {JsonText.Serialize(parameters["StateMachineArn"])}");
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskScheduled, StateName = task.Name, Resource = task.ShortResource, Input = JsonText.Serialize(parameters) });
        Emit(frame, new HistoryEvent { Type = HistoryEventTypes.TaskStarted, StateName = task.Name, Resource = task.ShortResource });

        var child = Machine.StateMachines?.Invoke(arn);
        if (child is null)
            throw TaskFailed(task, frame, "StepFunctions.StateMachineDoesNotExistException",
                $"State Machine Does Not Exist: '{arn}' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist)");
        string input;
        switch (parameters["Input"])
        {
            case null when !parameters.ContainsKey("Input"):
                input = "{}";
                break;
            case var v when JsonText.IsString(v, out var text):
                input = text;
                break;
            case var v:
                input = JsonText.Serialize(v);
                break;
        }
        var name = parameters.ContainsKey("Name")
            ? JsonText.IsString(parameters["Name"], out var given) ? given : throw StatesError.Runtime($"The field 'Name' must be a string, but is {JsonText.Serialize(parameters["Name"])}")
            : Guid.NewGuid().ToString();
        if (!child.ReserveExecutionName(name))
            throw TaskFailed(task, frame, "StepFunctions.ExecutionAlreadyExistsException",
                $"Execution Already Exists: '{child.ExecutionArnFor(name)}' (Service: AWSStepFunctions; Status Code: 400; Error Code: ExecutionAlreadyExists)");

        ExecutionResult result;
        try
        {
            result = await child.ExecuteAsync(input, name, HostToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            var (code, exception) = e.ParamName == "input" ? ("InvalidExecutionInput", "InvalidExecutionInputException") : ("InvalidName", "InvalidNameException");
            throw TaskFailed(task, frame, $"StepFunctions.{exception}", $"{e.Message} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code})");
        }
        lock (gate) children.Add(result);

        var description = Describe(result, task.Kind == TaskKind.StartExecutionSync2);
        if (!result.IsSucceeded)
            throw TaskFailed(task, frame, StatesErrorNames.TaskFailed, JsonText.Serialize(description));
        return TaskSucceeded(task, s, frame, description);
    }

    /// <summary>DescribeExecution's response for a finished execution, dates in epoch milliseconds as the integration returns them.</summary>
    static JsonObject Describe(ExecutionResult r, bool parsed)
    {
        JsonNode? Data(string text) => parsed ? JsonText.Parse(text) : JsonValue.Create(text);
        var d = new JsonObject
        {
            ["ExecutionArn"] = r.ExecutionArn,
            ["Input"] = Data(r.Input),
            ["InputDetails"] = new JsonObject { ["Included"] = true },
            ["Name"] = r.Name,
        };
        if (r.IsSucceeded)
        {
            d["Output"] = Data(r.Output ?? "null");
            d["OutputDetails"] = new JsonObject { ["Included"] = true };
        }
        d["StartDate"] = r.StartDate.ToUnixTimeMilliseconds();
        d["StateMachineArn"] = r.StateMachineArn;
        d["Status"] = r.Status;
        d["StopDate"] = r.StopDate.ToUnixTimeMilliseconds();
        if (!r.IsSucceeded)
        {
            if (r.Error is not null) d["Error"] = r.Error;
            if (r.Cause is not null) d["Cause"] = r.Cause;
        }
        return d;
    }
}
