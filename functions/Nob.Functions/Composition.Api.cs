using Nob.Aws;
using Nob.Aws.Adapters;
using Nob.Aws.StepFunctions;
using Nob.Core.Api;

namespace Nob.Functions;

internal static partial class Composition
{
    // Step Functions throttles StartExecution and ListExecutions per account; retry like the other clients.
    static readonly Lazy<IWorkflowExecutions> workflowExecutions = new(() => new StepFunctionsExecutions(new AmazonStepFunctionsClient(NobClientDefaults.Apply(new AmazonStepFunctionsConfig()))));

    /// <summary>The state machines the API starts and reports on (set by template.yaml).</summary>
    public const string BuildStateMachineArnVariable = "NOB_BUILD_STATE_MACHINE_ARN";
    public const string TeardownStateMachineArnVariable = "NOB_TEARDOWN_STATE_MACHINE_ARN";
    public const string CheckDriftStateMachineArnVariable = "NOB_CHECK_DRIFT_STATE_MACHINE_ARN";

    public static IWorkflowExecutions WorkflowExecutions => workflowExecutions.Value;

    public static ApiStateMachines ApiStateMachines => new(
        StateMachineArn(BuildStateMachineArnVariable, "build-network"),
        StateMachineArn(TeardownStateMachineArnVariable, "teardown-network"),
        StateMachineArn(CheckDriftStateMachineArnVariable, "check-drift"));

    static string StateMachineArn(string variable, string workflow)
        => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } arn
            ? arn
            : throw new InvalidOperationException($"{variable} is not set; template.yaml sets it to the {workflow} state machine's ARN");
}
