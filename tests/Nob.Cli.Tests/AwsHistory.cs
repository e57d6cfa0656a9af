using Nob.Aws.StepFunctions.Model;

namespace Nob.Cli.Tests;

/// <summary>History events as GetExecutionHistory returns them (AWS's shape: details per type, no scope).</summary>
static class AwsHistory
{
    static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    static HistoryEvent E(long id, long? previous, string type) => new() { Id = id, PreviousEventId = previous, Type = type, Timestamp = Start.AddSeconds(id) };

    public static HistoryEvent Entered(long id, long previous, string stateType, string name, string input = "{}") =>
        new() { Id = id, PreviousEventId = previous, Type = stateType + "StateEntered", Timestamp = Start.AddSeconds(id), StateEnteredEventDetails = new() { Name = name, Input = input } };

    public static HistoryEvent Exited(long id, long previous, string stateType, string name, string output = "{}") =>
        new() { Id = id, PreviousEventId = previous, Type = stateType + "StateExited", Timestamp = Start.AddSeconds(id), StateExitedEventDetails = new() { Name = name, Output = output } };

    public static HistoryEvent Scheduled(long id, long previous, string function, string payload = "{}") =>
        new()
        {
            Id = id, PreviousEventId = previous, Type = "TaskScheduled", Timestamp = Start.AddSeconds(id),
            TaskScheduledEventDetails = new() { ResourceType = "lambda", Resource = "invoke", Region = "us-east-1", Parameters = $$"""{"FunctionName":"arn:aws:lambda:us-east-1:000000000000:function:{{function}}","Payload":{{payload}}}""" },
        };

    public static HistoryEvent TaskSucceeded(long id, long previous, string output = "{}", string resourceType = "lambda") =>
        new() { Id = id, PreviousEventId = previous, Type = "TaskSucceeded", Timestamp = Start.AddSeconds(id), TaskSucceededEventDetails = new() { ResourceType = resourceType, Resource = "invoke", Output = output } };

    public static HistoryEvent TaskFailed(long id, long previous, string error) =>
        new() { Id = id, PreviousEventId = previous, Type = "TaskFailed", Timestamp = Start.AddSeconds(id), TaskFailedEventDetails = new() { ResourceType = "lambda", Resource = "invoke", Error = error, Cause = "the cause of " + error } };

    public static HistoryEvent MapStarted(long id, long previous, int length) =>
        new() { Id = id, PreviousEventId = previous, Type = "MapStateStarted", Timestamp = Start.AddSeconds(id), MapStateStartedEventDetails = new() { Length = length } };

    public static HistoryEvent Iteration(long id, long previous, string type, string map, int index)
    {
        var details = new MapIterationEventDetails { Name = map, Index = index };
        var e = E(id, previous, "MapIteration" + type);
        return type switch
        {
            "Started" => new() { Id = e.Id, PreviousEventId = e.PreviousEventId, Type = e.Type, Timestamp = e.Timestamp, MapIterationStartedEventDetails = details },
            "Succeeded" => new() { Id = e.Id, PreviousEventId = e.PreviousEventId, Type = e.Type, Timestamp = e.Timestamp, MapIterationSucceededEventDetails = details },
            "Failed" => new() { Id = e.Id, PreviousEventId = e.PreviousEventId, Type = e.Type, Timestamp = e.Timestamp, MapIterationFailedEventDetails = details },
            _ => new() { Id = e.Id, PreviousEventId = e.PreviousEventId, Type = e.Type, Timestamp = e.Timestamp, MapIterationAbortedEventDetails = details },
        };
    }

    public static HistoryEvent Plain(long id, long? previous, string type) => E(id, previous, type);

    public static HistoryEvent ExecutionFailed(long id, long previous, string error) =>
        new() { Id = id, PreviousEventId = previous, Type = "ExecutionFailed", Timestamp = Start.AddSeconds(id), ExecutionFailedEventDetails = new() { Error = error, Cause = "the cause of " + error } };

    public static HistoryEvent ExecutionSucceeded(long id, long previous, string output) =>
        new() { Id = id, PreviousEventId = previous, Type = "ExecutionSucceeded", Timestamp = Start.AddSeconds(id), ExecutionSucceededEventDetails = new() { Output = output } };

    /// <summary>
    /// A build whose Map EnsureBrokers runs two iterations at once: iteration 0 (B0) is retried once and then fails,
    /// after iteration 1 (B1) was entered; iteration 1 succeeds; the Map fails, and the execution. The Map's failure
    /// follows the iteration's end in its chain, as on AWS.
    /// </summary>
    public static IReadOnlyList<HistoryEvent> FailedBuild() =>
    [
        Plain(1, null, "ExecutionStarted"),
        Entered(2, 1, "Task", "Validate"),
        Scheduled(3, 2, "ValidateFunction", """{"spec":"v"}"""),
        Plain(4, 3, "TaskStarted"),
        TaskSucceeded(5, 4),
        Exited(6, 5, "Task", "Validate"),
        Entered(7, 6, "Map", "EnsureBrokers"),
        MapStarted(8, 7, 2),
        Iteration(9, 8, "Started", "EnsureBrokers", 0),
        Iteration(10, 8, "Started", "EnsureBrokers", 1),
        Entered(11, 9, "Task", "EnsureBroker", """{"brokerName":"B0"}"""),
        Entered(12, 10, "Task", "EnsureBroker", """{"brokerName":"B1"}"""),
        Scheduled(13, 11, "EnsureBrokerFunction", """{"brokerName":"B0"}"""),
        Scheduled(14, 12, "EnsureBrokerFunction", """{"brokerName":"B1"}"""),
        TaskFailed(15, 13, "AwsThrottlingException"),
        Scheduled(16, 15, "EnsureBrokerFunction", """{"brokerName":"B0"}"""),
        TaskFailed(17, 16, "BrokerCreationFailedException"),
        Iteration(18, 17, "Failed", "EnsureBrokers", 0),
        TaskSucceeded(19, 14),
        Exited(20, 19, "Task", "EnsureBroker"),
        Iteration(21, 20, "Succeeded", "EnsureBrokers", 1),
        Plain(22, 18, "MapStateFailed"),
        ExecutionFailed(23, 22, "BrokerCreationFailedException"),
    ];
}
