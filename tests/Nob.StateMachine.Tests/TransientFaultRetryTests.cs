using System.Reflection;
using Nob.Aws.Adapters;

namespace Nob.StateMachine.Tests;

/// <summary>
/// The named errors the adapters raise for throttling and unavailability that outlasted the SDK's retries, thrown by the
/// ports of a build over the fakes: the state machine retries them by name, with backoff, and the build succeeds.
/// </summary>
public class TransientFaultRetryTests(ITestOutputHelper log)
{
    const string Password = "s3cret-Passw0rd";

    [Fact]
    public async Task Build_AmazonMqEc2AndSsmThrottledAndUnavailable_RetriesByNameAndSucceeds()
    {
        var mq = new FakeBrokerService { SettleAfterDescribes = 2 };
        var ec2 = new FakeSecurityGroups();
        var ssm = new FakeParameters();
        ssm.Values["/nob/tutorial/password"] = Password;
        ec2.Vpcs["sg-1"] = "vpc-1";
        var gate = new Lock();
        // The first calls of each kind fail as the adapters would report them.
        var brokers = FailingFirst<IBrokerService>.Wrap(Synchronized<IBrokerService>.Wrap(mq, gate), nameof(IBrokerService.DescribeBrokerAsync), 2,
            () => new AwsThrottlingException("Amazon MQ", "DescribeBroker", new InvalidOperationException("429")));
        var groups = FailingFirst<ISecurityGroupService>.Wrap(Synchronized<ISecurityGroupService>.Wrap(ec2, gate), nameof(ISecurityGroupService.AuthorizeIngressAsync), 1,
            () => new AwsThrottlingException("EC2", "AuthorizeSecurityGroupIngress", new InvalidOperationException("RequestLimitExceeded")));
        var parameters = FailingFirst<IParameterStore>.Wrap(Synchronized<IParameterStore>.Wrap(ssm, gate), nameof(IParameterStore.GetSecureStringWithVersionAsync), 1,
            () => new AwsServiceUnavailableException("SSM", "GetParameter", new InvalidOperationException("503")));
        var factory = HandlerFactories.FromServices(brokers, groups, parameters, Synchronized<INetworkStore>.Wrap(new FakeNetworkStore(), gate),
            FakeMessageProbe.Connected(), TimeProvider.System, new FakeLockStore(), new FakeExecutionStatus());
        var machine = LocalStateMachine.FromTemplate(Repo.PathOf("template.yaml"), "BuildNetworkStateMachine", factory,
            new LocalStateMachineOptions { TimeProvider = ManualClock.AutoAdvancing(), Random = () => 0.5 },
            new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore });

        var result = await machine.ExecuteAsync(Repo.Example("tutorial"));

        log.WriteLine($"{result.Status}: {result.Retries} retries");
        Assert.True(result.IsSucceeded, result.Explain());
        var failures = result.History.Where(e => e.Type == "TaskFailed").Select(e => e.Error).ToList();
        // Both brokers' first DescribeBroker fail in the same turn of the creation stage (one check of all brokers), then
        // OpenIngress's first AuthorizeSecurityGroupIngress: each task retried by name.
        Assert.Equal(["CheckBrokers", "OpenIngress"], result.History.Where(e => e.Type == "TaskFailed" && e.Error == nameof(AwsThrottlingException)).Select(e => e.StateName));
        Assert.Equal(1, failures.Count(e => e == nameof(AwsServiceUnavailableException)));
        Assert.Equal(3, result.Retries);
        Assert.Equal(2, mq.Brokers.Count);
    }

    [Fact]
    public async Task Build_AfterThePasswordParameterChanged_TakesTheSlowPathUpdatesEveryUserAndReboots()
    {
        var mq = new FakeBrokerService { SettleAfterDescribes = 2 };
        var ec2 = new FakeSecurityGroups();
        var ssm = new FakeParameters();
        ssm.Values["/nob/tutorial/password"] = Password;
        ec2.Vpcs["sg-1"] = "vpc-1";
        var gate = new Lock();
        var factory = HandlerFactories.FromServices(Synchronized<IBrokerService>.Wrap(mq, gate), Synchronized<ISecurityGroupService>.Wrap(ec2, gate),
            Synchronized<IParameterStore>.Wrap(ssm, gate), Synchronized<INetworkStore>.Wrap(new FakeNetworkStore(), gate), FakeMessageProbe.Connected(), TimeProvider.System, new FakeLockStore(), new FakeExecutionStatus());
        var machine = LocalStateMachine.FromTemplate(Repo.PathOf("template.yaml"), "BuildNetworkStateMachine", factory,
            new LocalStateMachineOptions { TimeProvider = ManualClock.AutoAdvancing(), Random = () => 0.5 },
            new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore });
        var first = await machine.ExecuteAsync(Repo.Example("tutorial"));
        Assert.True(first.IsSucceeded, first.Explain());
        var reboots = mq.Brokers.Values.ToDictionary(b => b.Id, b => b.Reboots);

        ssm.Values["/nob/tutorial/password"] = "r0tated-Passw0rd";
        var second = await machine.ExecuteAsync(Repo.Example("tutorial"));

        Assert.True(second.IsSucceeded, second.Explain());
        Assert.Contains(second.History, e => e.StateName == "EnsureBrokers");
        var changes = System.Text.Json.Nodes.JsonNode.Parse(second.Output!)!["changes"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains("updated the password of user myCommonUser on MyBroker1", changes);
        Assert.Contains("updated the password of user myCommonUser on MyBroker2", changes);
        Assert.All(mq.Brokers.Values, b =>
        {
            Assert.Equal(reboots[b.Id] + 1, b.Reboots);
            Assert.Equal("r0tated-Passw0rd", mq.UserPasswords[b.Id]);
            Assert.Empty(b.UsersPending);
        });
        var third = await machine.ExecuteAsync(Repo.Example("tutorial"));
        Assert.True(third.IsSucceeded, third.Explain());
        Assert.DoesNotContain(third.History, e => e.StateName == "EnsureBrokers");
    }
}

/// <summary>Throws <c>error()</c> from the first <c>count</c> calls of one method, then passes every call through.</summary>
public class FailingFirst<T> : DispatchProxy where T : class
{
    T? inner;
    string method = "";
    int left;
    Func<Exception>? error;
    readonly Lock gate = new();

    public static T Wrap(T inner, string method, int count, Func<Exception> error)
    {
        var proxy = Create<T, FailingFirst<T>>();
        var f = (FailingFirst<T>)(object)proxy;
        (f.inner, f.method, f.left, f.error) = (inner, method, count, error);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        lock (gate)
        {
            if (targetMethod!.Name == method && left > 0)
            {
                left--;
                throw error!();
            }
        }
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
