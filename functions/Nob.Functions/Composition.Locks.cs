using Amazon.SimpleSystemsManagement;
using Nob.Aws.Adapters;
using Nob.Aws.StepFunctions;
using Nob.Core.Workflow;

namespace Nob.Functions;

internal static partial class Composition
{
    static readonly Lazy<ILockStore> locks = new(() => new SsmLockStore(new AmazonSimpleSystemsManagementClient(new AmazonSimpleSystemsManagementConfig { MaxErrorRetry = 5 })));
    static readonly Lazy<IExecutionStatus> executionStatus = new(() => new StepFunctionsExecutionStatus(new AmazonStepFunctionsClient(new AmazonStepFunctionsConfig { MaxErrorRetry = 5 })));

    /// <summary>The networks' locks (SSM parameters under /nob/locks).</summary>
    public static ILockStore Locks => locks.Value;

    /// <summary>Whether a lock's holder still runs (Step Functions DescribeExecution; locally, the local endpoint's).</summary>
    public static IExecutionStatus ExecutionStatus => executionStatus.Value;
}
