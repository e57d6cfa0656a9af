using System.Text;
using System.Text.Json.Nodes;
using Nob.LocalCloud.Http;

namespace Nob.LocalCloud.States;

/// <summary>
/// Step Functions (awsJson 1.0, <c>X-Amz-Target: AWSStepFunctions.*</c>) for the state machines of the hosted workflow
/// (<see cref="LocalWorkflowHost"/>): ListStateMachines, DescribeStateMachine, StartExecution, DescribeExecution,
/// ListExecutions, GetExecutionHistory and StopExecution, with the members, pagination and errors of botocore's model
/// (<c>stepfunctions/2016-11-23</c>). Without a hosted workflow there are no state machines and no executions.
/// </summary>
internal sealed class StatesService(LocalWorkflowHost? host)
{
    private const int DefaultPage = 100;

    public async Task<JsonObject> HandleAsync(string operation, JsonObject request) => operation switch
    {
        "ListStateMachines" => ListStateMachines(request),
        "DescribeStateMachine" => DescribeStateMachine(request),
        "StartExecution" => StartExecution(request),
        "DescribeExecution" => DescribeExecution(request),
        "ListExecutions" => ListExecutions(request),
        "GetExecutionHistory" => GetExecutionHistory(request),
        "StopExecution" => await StopExecutionAsync(request).ConfigureAwait(false),
        _ => throw new ServiceError(400, "UnknownOperationException",
            $"The local endpoint implements ListStateMachines, DescribeStateMachine, StartExecution, DescribeExecution, ListExecutions, GetExecutionHistory and StopExecution of AWSStepFunctions, not {operation}"),
    };

    private IEnumerable<HostedMachine> Machines => host?.Machines ?? [];

    private JsonObject ListStateMachines(JsonObject r)
    {
        var max = StatesArns.MaxResults(r, DefaultPage);
        var all = Machines.ToList();
        var start = PageStart(r, "machines", 1024);
        var page = all.Skip(start).Take(max).ToList();
        var response = new JsonObject
        {
            ["stateMachines"] = new JsonArray([.. page.Select(m => (JsonNode)new JsonObject
            {
                ["stateMachineArn"] = m.Resource.Arn,
                ["name"] = m.Resource.Name,
                ["type"] = "STANDARD",
                ["creationDate"] = HistoryShapes.Seconds(m.CreationDate),
            })]),
        };
        if (start + page.Count < all.Count)
        {
            response["nextToken"] = Token("machines", start + page.Count);
        }

        return response;
    }

    private JsonObject DescribeStateMachine(JsonObject r)
    {
        var arn = StatesArns.Required(r, "stateMachineArn");
        StatesArns.CheckStateMachineArn(arn);
        var m = Machine(arn);
        return new JsonObject
        {
            ["stateMachineArn"] = m.Resource.Arn,
            ["name"] = m.Resource.Name,
            ["status"] = "ACTIVE",
            ["definition"] = m.Definition,
            ["roleArn"] = m.RoleArn,
            ["type"] = "STANDARD",
            ["creationDate"] = HistoryShapes.Seconds(m.CreationDate),
            ["loggingConfiguration"] = new JsonObject { ["level"] = "OFF", ["includeExecutionData"] = false },
            ["tracingConfiguration"] = new JsonObject { ["enabled"] = false },
        };
    }

    private HostedMachine Machine(string arn) =>
        host?.Machine(arn) ?? throw new ServiceError(400, "StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");

    private JsonObject StartExecution(JsonObject r)
    {
        var arn = StatesArns.Required(r, "stateMachineArn");
        var name = StatesArns.Optional(r, "name", 1, 80);
        var input = Json.String(r, "input");
        var traceHeader = StatesArns.Optional(r, "traceHeader", 0, 256);
        StatesArns.CheckStateMachineArn(arn);
        if (host is null)
        {
            throw new ServiceError(400, "StateMachineDoesNotExist", $"State Machine Does Not Exist: '{arn}'");
        }

        var (executionArn, startDate) = host.Start(arn, name, input, traceHeader);
        return new JsonObject { ["executionArn"] = executionArn, ["startDate"] = HistoryShapes.Seconds(startDate) };
    }

    private ExecutionRecord Execution(JsonObject r)
    {
        var arn = StatesArns.Required(r, "executionArn");
        StatesArns.CheckExecutionArn(arn);
        return host?.Find(arn) ?? throw new ServiceError(400, "ExecutionDoesNotExist", $"Execution Does Not Exist: '{arn}'");
    }

    private JsonObject DescribeExecution(JsonObject r)
    {
        var record = Execution(r);
        var (input, output) = host!.InputAndOutput(record.ExecutionArn);
        var response = ExecutionSummary(record);
        if (input is not null)
        {
            response["input"] = input;
            response["inputDetails"] = new JsonObject { ["included"] = true };
        }

        if (record.Status == ExecutionStatus.Succeeded && output is not null)
        {
            response["output"] = output;
            response["outputDetails"] = new JsonObject { ["included"] = true };
        }

        if (record.TraceHeader is { } trace)
        {
            response["traceHeader"] = trace;
        }

        if (record.Status != ExecutionStatus.Running)
        {
            if (record.Error is { } error)
            {
                response["error"] = error;
            }

            if (record.Cause is { } cause)
            {
                response["cause"] = cause;
            }
        }

        return response;
    }

    /// <summary>What ListExecutions gives of an execution, and DescribeExecution begins with: ARNs, name, status and dates (a stop date once it has stopped).</summary>
    private static JsonObject ExecutionSummary(ExecutionRecord e)
    {
        var summary = new JsonObject
        {
            ["executionArn"] = e.ExecutionArn,
            ["stateMachineArn"] = e.StateMachineArn,
            ["name"] = e.Name,
            ["status"] = e.Status,
            ["startDate"] = HistoryShapes.Seconds(e.StartDate),
        };
        if (e.StopDate is { } stop && e.Status != ExecutionStatus.Running)
        {
            summary["stopDate"] = HistoryShapes.Seconds(stop);
        }

        return summary;
    }

    private JsonObject ListExecutions(JsonObject r)
    {
        var machineArn = StatesArns.Optional(r, "stateMachineArn", 1, 256);
        var mapRunArn = StatesArns.Optional(r, "mapRunArn", 1, 2000);
        var status = Json.String(r, "statusFilter");
        var max = StatesArns.MaxResults(r, DefaultPage);
        if (status is not null && !ExecutionStatus.All.Contains(status))
        {
            throw StatesArns.Validation($"Value '{status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", ExecutionStatus.All)}]");
        }

        if ((machineArn is null) == (mapRunArn is null))
        {
            throw new ServiceError(400, "ValidationException", "Must provide a StateMachine ARN or a MapRun ARN, and not both");
        }

        if (mapRunArn is not null)
        {
            // No distributed Map runs here.
            throw new ServiceError(400, "ResourceNotFound", $"Resource not found: '{mapRunArn}'");
        }

        StatesArns.CheckStateMachineArn(machineArn!);
        Machine(machineArn!);
        var scope = $"executions:{machineArn}:{status}";
        var all = host!.Executions()
            .Where(e => e.StateMachineArn == machineArn && (status is null || e.Status == status))
            .OrderByDescending(e => e.StartDate).ThenByDescending(e => e.ExecutionArn, StringComparer.Ordinal)
            .ToList();
        var start = PageStart(r, scope, 3096);
        var page = all.Skip(start).Take(max).ToList();
        var response = new JsonObject
        {
            ["executions"] = new JsonArray([.. page.Select(e => (JsonNode)ExecutionSummary(e))]),
        };
        if (start + page.Count < all.Count)
        {
            response["nextToken"] = Token(scope, start + page.Count);
        }

        return response;
    }

    private JsonObject GetExecutionHistory(JsonObject r)
    {
        var record = Execution(r);
        var max = StatesArns.MaxResults(r, DefaultPage);
        var reverse = Json.Bool(r, "reverseOrder") ?? false;
        var includeData = Json.Bool(r, "includeExecutionData") ?? true;
        var scope = $"history:{record.ExecutionArn}:{reverse}";
        var events = host!.History(record.ExecutionArn);
        if (reverse)
        {
            events.Reverse();
        }

        var start = PageStart(r, scope, 1024);
        var page = events.Skip(start).Take(max).ToList();
        var response = new JsonObject
        {
            ["events"] = new JsonArray([.. page.Select(e => (JsonNode)(includeData ? e : HistoryShapes.WithoutExecutionData(e)))]),
        };
        if (start + page.Count < events.Count)
        {
            response["nextToken"] = Token(scope, start + page.Count);
        }

        return response;
    }

    private async Task<JsonObject> StopExecutionAsync(JsonObject r)
    {
        var error = StatesArns.Optional(r, "error", 0, 256);
        var cause = StatesArns.Optional(r, "cause", 0, 32768);
        var record = Execution(r);
        var stopDate = await host!.StopExecutionAsync(record.ExecutionArn, error, cause).ConfigureAwait(false);
        return new JsonObject { ["stopDate"] = HistoryShapes.Seconds(stopDate) };
    }

    // ---- pagination -------------------------------------------------------------------------------------------

    /// <summary>An opaque token: the listing it continues (so it is refused elsewhere) and the position to continue at.</summary>
    private static string Token(string scope, int position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{position}|{ExecutionStore.Sha256(scope)[..16]}"));

    private static int PageStart(JsonObject r, string scope, int maxTokenLength)
    {
        if (StatesArns.Optional(r, "nextToken", 1, maxTokenLength) is not { } token)
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|');
            if (text.Length == 2 && text[1] == ExecutionStore.Sha256(scope)[..16]
                && int.TryParse(text[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var position))
            {
                return position;
            }
        }
        catch (FormatException)
        {
            // Not base64: refused below.
        }

        throw new ServiceError(400, "InvalidToken", $"Invalid Token: '{token}'");
    }
}
