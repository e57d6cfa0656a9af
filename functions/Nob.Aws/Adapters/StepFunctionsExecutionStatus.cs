using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Core.Workflow;

namespace Nob.Aws.Adapters;

/// <summary>Whether an execution still runs, by DescribeExecution through our Step Functions client.</summary>
public sealed class StepFunctionsExecutionStatus(IAmazonStepFunctionsClient sfn) : IExecutionStatus
{
    [IamActions("states:DescribeExecution")]
    public async Task<bool> IsRunningAsync(string executionArn, CancellationToken cancellationToken)
    {
        try
        {
            var response = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = executionArn }, cancellationToken);
            return response.Status == ExecutionStatuses.Running;
        }
        catch (ExecutionDoesNotExistException)
        {
            return false; // gone (past the history's retention) or never was: nothing runs
        }
    }
}
