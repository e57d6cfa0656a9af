using System.Text.Json;
using Nob.Aws.Protocol;
using Nob.Aws.StepFunctions.Model;
using static Nob.Aws.Protocol.RequestMembers;

namespace Nob.Aws.StepFunctions.Internal;

/// <summary>The Step Functions operations this project uses, transcribed from the botocore model (<c>stepfunctions/2016-11-23</c>).</summary>
internal static class SfnOperations
{
    public static readonly SfnOperation<StartExecutionRequest, StartExecutionResponse> StartExecution = new(
        "StartExecution",
        (r, w) =>
        {
            Require(r.StateMachineArn, "StateMachineArn");
            w.WriteString("stateMachineArn", r.StateMachineArn);
            w.WriteOptional("name", r.Name);
            w.WriteOptional("input", r.Input);
            w.WriteOptional("traceHeader", r.TraceHeader);
        },
        o => new StartExecutionResponse
        {
            ExecutionArn = o.Str("executionArn"),
            StartDate = o.Time("startDate"),
        });

    public static readonly SfnOperation<DescribeExecutionRequest, DescribeExecutionResponse> DescribeExecution = new(
        "DescribeExecution",
        (r, w) =>
        {
            Require(r.ExecutionArn, "ExecutionArn");
            w.WriteString("executionArn", r.ExecutionArn);
        },
        o => new DescribeExecutionResponse
        {
            ExecutionArn = o.Str("executionArn"),
            StateMachineArn = o.Str("stateMachineArn"),
            Name = o.Str("name"),
            Status = o.Str("status"),
            StartDate = o.Time("startDate"),
            StopDate = o.Time("stopDate"),
            Input = o.Str("input"),
            Output = o.Str("output"),
            Error = o.Str("error"),
            Cause = o.Str("cause"),
            TraceHeader = o.Str("traceHeader"),
            MapRunArn = o.Str("mapRunArn"),
        });

    public static readonly SfnOperation<ListExecutionsRequest, ListExecutionsResponse> ListExecutions = new(
        "ListExecutions",
        (r, w) =>
        {
            w.WriteOptional("stateMachineArn", r.StateMachineArn);
            w.WriteOptional("statusFilter", r.StatusFilter);
            w.WriteOptional("maxResults", r.MaxResults);
            w.WriteOptional("nextToken", r.NextToken);
            w.WriteOptional("mapRunArn", r.MapRunArn);
        },
        o => new ListExecutionsResponse
        {
            Executions = o.List("executions", e => new ExecutionListItem
            {
                ExecutionArn = e.Str("executionArn"),
                StateMachineArn = e.Str("stateMachineArn"),
                Name = e.Str("name"),
                Status = e.Str("status"),
                StartDate = e.Time("startDate"),
                StopDate = e.Time("stopDate"),
                MapRunArn = e.Str("mapRunArn"),
                ItemCount = e.Int("itemCount"),
            }),
            NextToken = o.Str("nextToken"),
        });
}
