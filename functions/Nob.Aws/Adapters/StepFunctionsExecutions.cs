using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Core.Api;

namespace Nob.Aws.Adapters;

/// <summary>Executions of a state machine through our Step Functions client.</summary>
public sealed class StepFunctionsExecutions(IAmazonStepFunctionsClient sfn) : IWorkflowExecutions
{
    [IamActions("states:StartExecution")]
    public async Task<StartedExecution> StartAsync(string stateMachineArn, string name, string inputJson, CancellationToken cancellationToken)
    {
        try
        {
            var response = await sfn.StartExecutionAsync(new StartExecutionRequest { StateMachineArn = stateMachineArn, Name = name, Input = inputJson }, cancellationToken);
            return new StartedExecution(
                response.ExecutionArn ?? throw new InvalidOperationException("StartExecution returned no executionArn"),
                response.StartDate ?? throw new InvalidOperationException("StartExecution returned no startDate"));
        }
        catch (ExecutionAlreadyExistsException e)
        {
            throw new ExecutionNameTakenException(name, e);
        }
    }

    [IamActions("states:ListExecutions")]
    public async Task<ExecutionPage> ListAsync(string stateMachineArn, string? nextToken, int pageSize, CancellationToken cancellationToken)
    {
        var response = await sfn.ListExecutionsAsync(new ListExecutionsRequest { StateMachineArn = stateMachineArn, NextToken = nextToken, MaxResults = pageSize }, cancellationToken);
        var executions = response.Executions
            .Where(e => e.Name is not null && e.ExecutionArn is not null && e.Status is not null && e.StartDate is not null)
            .Select(e => new WorkflowExecution(e.Name!, e.ExecutionArn!, e.Status!, e.StartDate!.Value, e.StopDate))
            .ToList();
        return new ExecutionPage(executions, string.IsNullOrEmpty(response.NextToken) ? null : response.NextToken);
    }

    [IamActions("states:DescribeExecution")]
    public async Task<ExecutionDetails?> DescribeAsync(string executionArn, CancellationToken cancellationToken)
    {
        try
        {
            var e = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = executionArn }, cancellationToken);
            return new ExecutionDetails(
                e.Name ?? throw new InvalidOperationException("DescribeExecution returned no name"),
                e.ExecutionArn ?? executionArn,
                e.StateMachineArn ?? throw new InvalidOperationException("DescribeExecution returned no stateMachineArn"),
                e.Status ?? throw new InvalidOperationException("DescribeExecution returned no status"),
                e.StartDate ?? throw new InvalidOperationException("DescribeExecution returned no startDate"),
                e.StopDate, e.Input, e.Output, e.Error, e.Cause);
        }
        catch (ExecutionDoesNotExistException)
        {
            return null;
        }
    }
}
