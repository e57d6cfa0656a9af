using System.Text.Json;
using Nob.Aws.Protocol;
using Nob.Aws.StepFunctions.Model;
using static Nob.Aws.Protocol.RequestMembers;

namespace Nob.Aws.StepFunctions.Internal;

/// <summary>GetExecutionHistory, StopExecution, ListStateMachines and DescribeStateMachine, transcribed from the botocore model.</summary>
internal static class SfnHistoryOperations
{
    public static readonly SfnOperation<GetExecutionHistoryRequest, GetExecutionHistoryResponse> GetExecutionHistory = new(
        "GetExecutionHistory",
        (r, w) =>
        {
            Require(r.ExecutionArn, "ExecutionArn");
            w.WriteString("executionArn", r.ExecutionArn);
            w.WriteOptional("maxResults", r.MaxResults);
            w.WriteOptional("reverseOrder", r.ReverseOrder);
            w.WriteOptional("nextToken", r.NextToken);
            w.WriteOptional("includeExecutionData", r.IncludeExecutionData);
        },
        o => new GetExecutionHistoryResponse
        {
            Events = o.List("events", ReadEvent),
            NextToken = o.Str("nextToken"),
        });

    public static readonly SfnOperation<StopExecutionRequest, StopExecutionResponse> StopExecution = new(
        "StopExecution",
        (r, w) =>
        {
            Require(r.ExecutionArn, "ExecutionArn");
            w.WriteString("executionArn", r.ExecutionArn);
            w.WriteOptional("error", r.Error);
            w.WriteOptional("cause", r.Cause);
        },
        o => new StopExecutionResponse { StopDate = o.Time("stopDate") });

    public static readonly SfnOperation<ListStateMachinesRequest, ListStateMachinesResponse> ListStateMachines = new(
        "ListStateMachines",
        (r, w) =>
        {
            w.WriteOptional("maxResults", r.MaxResults);
            w.WriteOptional("nextToken", r.NextToken);
        },
        o => new ListStateMachinesResponse
        {
            StateMachines = o.List("stateMachines", m => new StateMachineListItem
            {
                StateMachineArn = m.Str("stateMachineArn"),
                Name = m.Str("name"),
                Type = m.Str("type"),
                CreationDate = m.Time("creationDate"),
            }),
            NextToken = o.Str("nextToken"),
        });

    public static readonly SfnOperation<DescribeStateMachineRequest, DescribeStateMachineResponse> DescribeStateMachine = new(
        "DescribeStateMachine",
        (r, w) =>
        {
            Require(r.StateMachineArn, "StateMachineArn");
            w.WriteString("stateMachineArn", r.StateMachineArn);
        },
        o => new DescribeStateMachineResponse
        {
            StateMachineArn = o.Str("stateMachineArn"),
            Name = o.Str("name"),
            Status = o.Str("status"),
            Definition = o.Str("definition"),
            RoleArn = o.Str("roleArn"),
            Type = o.Str("type"),
            CreationDate = o.Time("creationDate"),
            Label = o.Str("label"),
        });

    static HistoryEvent ReadEvent(JsonElement e) => new()
    {
        Id = e.Long("id") ?? 0,
        PreviousEventId = e.Long("previousEventId"),
        Timestamp = e.Time("timestamp"),
        Type = e.Str("type"),
        ExecutionStartedEventDetails = e.Obj("executionStartedEventDetails", d => new ExecutionStartedEventDetails { Input = d.Str("input"), RoleArn = d.Str("roleArn") }),
        ExecutionSucceededEventDetails = e.Obj("executionSucceededEventDetails", d => new ExecutionSucceededEventDetails { Output = d.Str("output") }),
        ExecutionFailedEventDetails = e.Obj("executionFailedEventDetails", ReadError),
        ExecutionAbortedEventDetails = e.Obj("executionAbortedEventDetails", ReadError),
        ExecutionTimedOutEventDetails = e.Obj("executionTimedOutEventDetails", ReadError),
        StateEnteredEventDetails = e.Obj("stateEnteredEventDetails", d => new StateEnteredEventDetails { Name = d.Str("name"), Input = d.Str("input") }),
        StateExitedEventDetails = e.Obj("stateExitedEventDetails", d => new StateExitedEventDetails { Name = d.Str("name"), Output = d.Str("output") }),
        TaskScheduledEventDetails = e.Obj("taskScheduledEventDetails", d => new TaskScheduledEventDetails
        {
            ResourceType = d.Str("resourceType"),
            Resource = d.Str("resource"),
            Region = d.Str("region"),
            Parameters = d.Str("parameters"),
            TimeoutInSeconds = d.Long("timeoutInSeconds"),
            HeartbeatInSeconds = d.Long("heartbeatInSeconds"),
        }),
        TaskStartedEventDetails = e.Obj("taskStartedEventDetails", d => new TaskResourceEventDetails { ResourceType = d.Str("resourceType"), Resource = d.Str("resource") }),
        TaskSubmittedEventDetails = e.Obj("taskSubmittedEventDetails", ReadTaskOutput),
        TaskSucceededEventDetails = e.Obj("taskSucceededEventDetails", ReadTaskOutput),
        TaskFailedEventDetails = e.Obj("taskFailedEventDetails", ReadTaskError),
        TaskTimedOutEventDetails = e.Obj("taskTimedOutEventDetails", ReadTaskError),
        MapStateStartedEventDetails = e.Obj("mapStateStartedEventDetails", d => new MapStateStartedEventDetails { Length = d.Int("length") }),
        MapIterationStartedEventDetails = e.Obj("mapIterationStartedEventDetails", ReadIteration),
        MapIterationSucceededEventDetails = e.Obj("mapIterationSucceededEventDetails", ReadIteration),
        MapIterationFailedEventDetails = e.Obj("mapIterationFailedEventDetails", ReadIteration),
        MapIterationAbortedEventDetails = e.Obj("mapIterationAbortedEventDetails", ReadIteration),
    };

    static ErrorEventDetails ReadError(JsonElement d) => new() { Error = d.Str("error"), Cause = d.Str("cause") };

    static TaskOutputEventDetails ReadTaskOutput(JsonElement d) => new() { ResourceType = d.Str("resourceType"), Resource = d.Str("resource"), Output = d.Str("output") };

    static TaskErrorEventDetails ReadTaskError(JsonElement d) => new() { ResourceType = d.Str("resourceType"), Resource = d.Str("resource"), Error = d.Str("error"), Cause = d.Str("cause") };

    static MapIterationEventDetails ReadIteration(JsonElement d) => new() { Name = d.Str("name"), Index = d.Int("index") };
}
