using System.Reflection;
using Nob.Aws.Adapters;

namespace Nob.StateMachine.Tests;

/// <summary>
/// The named errors the adapters raise for throttling and unavailability that outlasted the SDK's retries, thrown by the
/// ports of a build over the fakes: the state machine retries them by name, with backoff, and the build succeeds.
/// </summary>
public class TransientFaultRetryTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Build_AmazonMqEc2AndSsmThrottledAndUnavailable_RetriesByNameAndSucceeds()
    {
        // The first calls of each kind fail as the adapters would report them.
        var nob = new LocalNob(log, "tutorial")
        {
            WrapBrokers = brokers => FailingFirst<IBrokerService>.Wrap(brokers, nameof(IBrokerService.DescribeBrokerAsync), 2,
                () => new AwsThrottlingException("Amazon MQ", "DescribeBroker", new InvalidOperationException("429"))),
            WrapSecurityGroups = groups => FailingFirst<ISecurityGroupService>.Wrap(groups, nameof(ISecurityGroupService.AuthorizeIngressAsync), 1,
                () => new AwsThrottlingException("EC2", "AuthorizeSecurityGroupIngress", new InvalidOperationException("RequestLimitExceeded"))),
            WrapParameters = parameters => FailingFirst<IParameterStore>.Wrap(parameters, nameof(IParameterStore.GetSecureStringWithVersionAsync), 1,
                () => new AwsServiceUnavailableException("SSM", "GetParameter", new InvalidOperationException("503"))),
        };
        var mq = nob.Mq;
        mq.SettleAfterDescribes = 2;

        var result = await nob.Machine("BuildNetworkStateMachine").ExecuteAsync(Repo.Example("tutorial"));

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
        var nob = new LocalNob(log, "tutorial");
        var (mq, ssm) = (nob.Mq, nob.Ssm);
        mq.SettleAfterDescribes = 2;
        var machine = nob.Machine("BuildNetworkStateMachine");
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
public class FailingFirst<T> : PortProxy<T> where T : class
{
    string method = "";
    int left;
    Func<Exception>? error;
    readonly Lock gate = new();

    public static T Wrap(T inner, string method, int count, Func<Exception> error) =>
        Wrap<FailingFirst<T>>(inner, f => (f.method, f.left, f.error) = (method, count, error));

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
        return Forward(targetMethod, args);
    }
}
