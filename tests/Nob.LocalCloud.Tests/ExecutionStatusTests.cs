using System.Text.Json.Nodes;
using Amazon.Runtime;
using Nob.Aws.Adapters;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Core.Workflow;
using Nob.LocalCloud.Tests.States;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// The network lock against the local endpoint through the workflow's own adapters: lock generations in the local SSM,
/// and DescribeExecution for the endpoint's own executions (a StartExecution's and a nested one).
/// </summary>
public sealed class ExecutionStatusTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    static readonly CancellationToken None = CancellationToken.None;

    WorkflowCloud Cloud => fixture.Cloud;

    AmazonStepFunctionsClient Sfn()
    {
        var environment = Cloud.Cloud.EnvironmentVariables;
        return new(new BasicAWSCredentials(environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]),
            new AmazonStepFunctionsConfig { ServiceURL = Cloud.Cloud.Endpoint.AbsoluteUri, AuthenticationRegion = Clients.Region, MaxErrorRetry = 1 });
    }

    [Fact]
    public async Task DescribeExecution_NeverStarted_IsExecutionDoesNotExistAndNotRunning()
    {
        using var sfn = Sfn();
        var arn = WorkflowCloud.ExecutionArn("HoldStateMachine", $"never-{Guid.NewGuid():N}");

        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = arn }));
        Assert.False(await new StepFunctionsExecutionStatus(sfn).IsRunningAsync(arn, None));
    }

    [Fact]
    public async Task DescribeExecution_StartedThroughTheClient_RunningUntilItEnds()
    {
        using var sfn = Sfn();
        var key = Guid.NewGuid().ToString("N");
        var started = await sfn.StartExecutionAsync(new StartExecutionRequest
        {
            StateMachineArn = WorkflowCloud.MachineArn("HoldStateMachine"), Name = $"client-{key}", Input = new JsonObject { ["key"] = key }.ToJsonString(),
        });
        await fixture.Functions.WaitEnteredAsync(key);

        var running = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = started.ExecutionArn! });
        var wasRunning = await new StepFunctionsExecutionStatus(sfn).IsRunningAsync(started.ExecutionArn!, None);
        fixture.Functions.Release(key, """{"held":false}""");
        await Cloud.WaitForEndAsync(started.ExecutionArn!);
        var ended = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = started.ExecutionArn! });

        Assert.Equal((ExecutionStatuses.Running, (DateTimeOffset?)null), (running.Status, running.StopDate));
        Assert.True(wasRunning);
        Assert.Equal(WorkflowCloud.MachineArn("HoldStateMachine"), running.StateMachineArn);
        Assert.Equal(ExecutionStatuses.Succeeded, ended.Status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"held":false}"""), JsonNode.Parse(ended.Output!)));
        Assert.NotNull(ended.StopDate);
        Assert.False(await new StepFunctionsExecutionStatus(sfn).IsRunningAsync(started.ExecutionArn!, None));
    }

    [Fact]
    public async Task NetworkLock_HeldByANestedExecution_BusyWhileItRunsThenTakenOver()
    {
        using var sfn = Sfn();
        using var ssm = Clients.Ssm(Cloud.Cloud);
        var locks = new NetworkLock(new SsmLockStore(ssm), new StepFunctionsExecutionStatus(sfn));
        var network = $"locked-{Guid.NewGuid():N}"[..20];
        var key = Guid.NewGuid().ToString("N");
        var (parent, child) = await Cloud.StartParentHoldingChildAsync(key);
        var next = WorkflowCloud.ExecutionArn("HoldStateMachine", $"next-{key}");
        Assert.Equal(1, (await locks.AcquireAsync(network, child, None)).Generation);

        var busy = await Assert.ThrowsAsync<NetworkBusyException>(() => locks.AcquireAsync(network, next, None));
        fixture.Functions.Release(key, "{}");
        await Cloud.WaitForEndAsync(parent);
        var acquired = await locks.AcquireAsync(network, next, None);

        Assert.Equal(child, busy.HolderExecutionArn);
        Assert.Equal((2L, child), (acquired.Generation, acquired.TookOverFrom));
        Assert.True(await locks.ReleaseAsync(network, next, None));
        Assert.Null(await locks.HolderAsync(network, None));
    }
}
