using System.Text.Json.Nodes;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions.Definition;

// Task states: the resource, and the parameters each optimized integration (lambda:invoke, events:putEvents, states:startExecution) takes.
internal static partial class DefinitionReader
{
    static TaskState ReadTask(Fields r, string name, string location)
    {
        var (next, end) = Transition(r, location);
        foreach (var f in new[] { "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials" }) r.Unsupported(f);
        var resource = r.RequiredString("Resource");
        var kind = resource switch
        {
            TaskState.LambdaInvoke => TaskKind.LambdaInvoke,
            TaskState.PutEvents => TaskKind.PutEvents,
            TaskState.StartExecutionSync2 => TaskKind.StartExecutionSync2,
            TaskState.StartExecutionSync => TaskKind.StartExecutionSync,
            // Fire-and-forget would leave a child running after its parent ends; nothing here needs it.
            TaskState.StartExecution => throw new UnsupportedFeatureException($"Resource \"{resource}\" (fire-and-forget)", location, "use states:startExecution.sync:2 or .sync"),
            _ => throw new UnsupportedFeatureException($"Resource \"{resource}\"", location,
                $"only {TaskState.LambdaInvoke}, {TaskState.PutEvents}, {TaskState.StartExecutionSync2} and {TaskState.StartExecutionSync} are implemented"),
        };
        if (r.Take("Parameters") is not JsonObject parameters)
            throw new StatesDefinitionException($"{location}: a {resource} task needs \"Parameters\"");
        string? staticName = null;
        string? staticArn = null;
        switch (kind)
        {
            case TaskKind.LambdaInvoke:
                staticName = ReadLambdaParameters(parameters, location);
                break;
            case TaskKind.PutEvents:
                ReadPutEventsParameters(parameters, location);
                break;
            default:
                staticArn = ReadStartExecutionParameters(parameters, location);
                break;
        }
        return new TaskState
        {
            Name = name, Location = location, Next = next, End = end, Resource = resource, Kind = kind,
            InputPath = r.IoPath("InputPath"), OutputPath = r.IoPath("OutputPath"), ResultPath = r.ResultPath("ResultPath"),
            Parameters = PayloadTemplate.Compile(parameters, $"{location} Parameters"),
            StaticFunctionName = staticName,
            StaticStateMachineArn = staticArn,
            ResultSelector = r.Template("ResultSelector"),
            Retry = ReadRetry(r, location),
            Catch = ReadCatch(r, location),
        };
    }

    static string? ReadLambdaParameters(JsonObject parameters, string location)
    {
        string? staticName = null;
        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "FunctionName":
                    staticName = JsonText.IsString(value, out var fn) ? fn : throw new StatesDefinitionException($"{location}: Parameters.FunctionName must be a string");
                    break;
                case "FunctionName.$" or "Payload" or "Payload.$":
                    break;
                case "InvocationType" when JsonText.IsString(value, out var it) && it == "RequestResponse":
                    break;
                default:
                    throw new UnsupportedFeatureException($"Parameters.{key} of lambda:invoke", location, "only FunctionName and Payload (and InvocationType RequestResponse) are implemented");
            }
        }
        if (!parameters.ContainsKey("FunctionName") && !parameters.ContainsKey("FunctionName.$"))
            throw new StatesDefinitionException($"{location}: Parameters needs FunctionName");
        if (!parameters.ContainsKey("Payload") && !parameters.ContainsKey("Payload.$"))
            throw new UnsupportedFeatureException("a lambda:invoke without Payload", location, "give Parameters.Payload");
        return staticName;
    }

    /// <summary>The fields of a PutEventsRequestEntry the runner implements (Time and TraceHeader are not).</summary>
    internal static readonly string[] PutEventsEntryFields = ["Source", "DetailType", "Detail", "EventBusName", "Resources"];

    static void ReadPutEventsParameters(JsonObject parameters, string location)
    {
        foreach (var (key, _) in parameters)
            if (key is not ("Entries" or "Entries.$"))
                throw new UnsupportedFeatureException($"Parameters.{key} of events:putEvents", location, "only Entries is implemented");
        if (parameters["Entries"] is JsonArray entries)
        {
            foreach (var entry in entries)
            {
                if (entry is not JsonObject fields) throw new StatesDefinitionException($"{location}: Parameters.Entries must hold objects");
                foreach (var (key, _) in fields)
                    if (!PutEventsEntryFields.Contains(key.EndsWith(".$", StringComparison.Ordinal) ? key[..^2] : key))
                        throw new UnsupportedFeatureException($"the PutEvents entry field {key}", location, $"only {string.Join(", ", PutEventsEntryFields)} are implemented");
            }
        }
        else if (!parameters.ContainsKey("Entries.$"))
        {
            throw new StatesDefinitionException($"{location}: Parameters.Entries must be an array of entries");
        }
    }

    static string? ReadStartExecutionParameters(JsonObject parameters, string location)
    {
        string? staticArn = null;
        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "StateMachineArn":
                    staticArn = JsonText.IsString(value, out var arn) ? arn : throw new StatesDefinitionException($"{location}: Parameters.StateMachineArn must be a string");
                    break;
                case "StateMachineArn.$" or "Input" or "Input.$" or "Name" or "Name.$":
                    break;
                default:
                    throw new UnsupportedFeatureException($"Parameters.{key} of states:startExecution", location, "only StateMachineArn, Input and Name are implemented");
            }
        }
        if (!parameters.ContainsKey("StateMachineArn") && !parameters.ContainsKey("StateMachineArn.$"))
            throw new StatesDefinitionException($"{location}: Parameters needs StateMachineArn");
        return staticArn;
    }
}
