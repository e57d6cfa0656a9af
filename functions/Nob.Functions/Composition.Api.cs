using Nob.Aws;
using Nob.Aws.Adapters;
using Nob.Aws.StepFunctions;
using Nob.Core.Api;

namespace Nob.Functions;

internal static partial class Composition
{
    // Step Functions throttles StartExecution and ListExecutions per account; retry like the other clients.
    static readonly Lazy<IWorkflowExecutions> workflowExecutions = new(() => new StepFunctionsExecutions(new AmazonStepFunctionsClient(NobClientDefaults.Apply(new AmazonStepFunctionsConfig()))));

    /// <summary>The build-network state machine the API starts (set by template.yaml).</summary>
    public const string BuildStateMachineArnVariable = "NOB_BUILD_STATE_MACHINE_ARN";

    public static IWorkflowExecutions WorkflowExecutions => workflowExecutions.Value;

    public static string BuildStateMachineArn
        => Environment.GetEnvironmentVariable(BuildStateMachineArnVariable) is { Length: > 0 } arn
            ? arn
            : throw new InvalidOperationException($"{BuildStateMachineArnVariable} is not set; template.yaml sets it to the build-network state machine's ARN");
}
