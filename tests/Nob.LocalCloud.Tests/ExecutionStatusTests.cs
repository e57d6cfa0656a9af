using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nob.Aws.Adapters;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Model;
using Nob.Core.Workflow;
using Nob.LocalBrokers;

namespace Nob.LocalCloud.Tests;

/// <summary>
/// The network lock against the local endpoint through the workflow's own adapters: lock generations in the local SSM,
/// and DescribeExecution for the executions local runners register with their process identity.
/// </summary>
[Collection(CloudCollection.Name)]
public sealed class ExecutionStatusTests(CloudFixture fixture)
{
    static readonly CancellationToken None = CancellationToken.None;

    AmazonStepFunctionsClient Sfn() => new(Clients.Credentials(fixture.Cloud), new AmazonStepFunctionsConfig { ServiceURL = fixture.Cloud.Endpoint.AbsoluteUri, AuthenticationRegion = Clients.Region, MaxErrorRetry = 1 });

    static string Arn(string name) => $"arn:aws:states:us-east-1:000000000000:execution:BuildNetworkStateMachine:{name}-{Guid.NewGuid():N}";

    async Task RegisterAsync(string arn, ProcessIdentity runner)
    {
        using var http = Clients.Http(fixture.Cloud);
        using var response = await http.PostAsJsonAsync("/_localcloud/executions",
            new JsonObject { ["executionArn"] = arn, ["pid"] = runner.Pid, ["processStartTime"] = runner.StartTime, ["commandLine"] = runner.CommandLine });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    async Task EndAsync(string arn, string status)
    {
        using var http = Clients.Http(fixture.Cloud);
        using var response = await http.PostAsJsonAsync("/_localcloud/executions/end", new JsonObject { ["executionArn"] = arn, ["status"] = status });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    static ProcessIdentity Self => ProcessIdentity.Of(Environment.ProcessId)!;

    [Fact]
    public async Task DescribeExecution_NotRegistered_IsExecutionDoesNotExistAndNotRunning()
    {
        using var sfn = Sfn();
        var arn = Arn("never");

        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = arn }));
        Assert.False(await new StepFunctionsExecutionStatus(sfn).IsRunningAsync(arn, None));
    }

    [Fact]
    public async Task DescribeExecution_RegisteredByALiveProcess_IsRunningUntilItReportsTheEnd()
    {
        using var sfn = Sfn();
        var arn = Arn("live");
        await RegisterAsync(arn, Self);

        var running = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = arn });
        await EndAsync(arn, ExecutionStatuses.Succeeded);
        var ended = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = arn });

        Assert.Equal((ExecutionStatuses.Running, arn, (DateTimeOffset?)null), (running.Status, running.ExecutionArn, running.StopDate));
        Assert.Equal("arn:aws:states:us-east-1:000000000000:stateMachine:BuildNetworkStateMachine", running.StateMachineArn);
        Assert.Equal(ExecutionStatuses.Succeeded, ended.Status);
        Assert.NotNull(ended.StopDate);
    }

    [Fact]
    public async Task DescribeExecution_RunnerGoneWithoutReportingTheEnd_IsAborted()
    {
        using var sfn = Sfn();
        var arn = Arn("killed");
        // This pid with another start time: the process that registered it has gone (and the pid was reused).
        await RegisterAsync(arn, Self with { StartTime = Self.StartTime - 1 });

        var described = await sfn.DescribeExecutionAsync(new DescribeExecutionRequest { ExecutionArn = arn });

        Assert.Equal(ExecutionStatuses.Aborted, described.Status);
        Assert.False(await new StepFunctionsExecutionStatus(sfn).IsRunningAsync(arn, None));
    }

    [Fact]
    public async Task NetworkLock_OverTheLocalEndpoint_BusyWhileTheHolderRunsThenTakenOverOnceItIsGone()
    {
        using var sfn = Sfn();
        using var ssm = Clients.Ssm(fixture.Cloud);
        var locks = new NetworkLock(new SsmLockStore(ssm), new StepFunctionsExecutionStatus(sfn));
        var network = $"locked-{Guid.NewGuid():N}"[..20];
        var (holder, next) = (Arn("holder"), Arn("next"));
        await RegisterAsync(holder, Self);
        Assert.Equal(1, (await locks.AcquireAsync(network, holder, None)).Generation);
        Assert.False(await new SsmLockStore(ssm).TryCreateAsync(network, 1, next, None)); // Overwrite=false: ParameterAlreadyExists

        var busy = await Assert.ThrowsAsync<NetworkBusyException>(() => locks.AcquireAsync(network, next, None));
        await EndAsync(holder, ExecutionStatuses.Aborted);
        var acquired = await locks.AcquireAsync(network, next, None);

        Assert.Equal(holder, busy.HolderExecutionArn);
        Assert.Equal((2L, holder), (acquired.Generation, acquired.TookOverFrom));
        Assert.Equal([(2L, next)], (await new SsmLockStore(ssm).ListAsync(network, None)).Select(g => (g.Generation, g.Value)));
        Assert.True(await locks.ReleaseAsync(network, next, None));
        Assert.Null(await locks.HolderAsync(network, None));
    }
}
