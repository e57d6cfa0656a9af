using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml.Linq;
using Nob.Core.Configuration;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

/// <summary>The build's converged fast path: yes only when the slow path would change nothing, with the state it would leave.</summary>
public class CheckConvergedStepTests : StepsOverFakes
{
    static readonly JsonSerializerOptions Json = new() { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    readonly NetworkSpec spec = SpecReader.ReadValid(Repo.Example("tutorial"));

    public CheckConvergedStepTests() => ec2.Vpcs["sg-1"] = "vpc-1";

    /// <summary>The slow path over the fakes, as the ASL runs it; returns what it leaves for Verify and Summarize.</summary>
    Task<BuiltNetwork> SlowPathAsync() => SlowPathAsync(spec);

    Task<ConvergedCheck> CheckAsync() => new CheckConvergedStep(mq, ec2, ssm, verifier).RunAsync(spec, None);

    static string JsonOf<T>(T value) => JsonSerializer.Serialize(value, Json);

    [Fact]
    public async Task Run_PasswordRotatedAfterABuild_IsNotConvergedAndSaysRotationIsPending()
    {
        await SlowPathAsync();
        ssm.Values["/nob/tutorial/password"] = Password + "-rotated"; // version 2

        var check = await CheckAsync();

        Assert.False(check.Converged);
        var difference = Assert.Single(check.Differences);
        Assert.Contains("password rotation pending", difference, StringComparison.Ordinal);
        Assert.Contains("version 1", difference, StringComparison.Ordinal);
        Assert.Contains("at version 2", difference, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, difference, StringComparison.Ordinal);
        Assert.Null(check.Brokers);
    }

    [Fact]
    public async Task Run_PasswordRotatedThenRebuilt_IsConvergedAgain()
    {
        await SlowPathAsync();
        ssm.Values["/nob/tutorial/password"] = Password + "-rotated";
        await SlowPathAsync();

        var check = await CheckAsync();

        Assert.True(check.Converged, string.Join("; ", check.Differences));
    }

    [Fact]
    public async Task Run_NothingBuiltYet_IsNotConvergedAndStopsAtTheFirstMissingBroker()
    {
        var check = await CheckAsync();
        Assert.False(check.Converged);
        Assert.Equal(["broker \"MyBroker1\" does not exist"], check.Differences);
        Assert.Null(check.Brokers);
        Assert.Equal(["ListBrokers"], mq.Calls);
    }

    [Fact]
    public async Task Run_AfterABuild_IsConvergedWithTheStateASlowReRunWouldLeave()
    {
        await SlowPathAsync();
        var check = await CheckAsync();
        Assert.True(check.Converged, string.Join("; ", check.Differences));
        Assert.Empty(check.Differences);

        var before = mq.Calls.Count;
        var rerun = await SlowPathAsync();
        Assert.DoesNotContain(mq.Calls.Skip(before), c => c.StartsWith("UpdateConfiguration", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal));
        Assert.Equal(JsonOf(rerun.Brokers), JsonOf(check.Brokers));
        Assert.Equal(JsonOf(rerun.Plan), JsonOf(check.Plan));
        Assert.Equal(JsonOf(rerun.Ingress), JsonOf(check.Ingress));
        Assert.Equal(JsonOf(rerun.Revisions), JsonOf(check.Revisions));
        Assert.All(check.Brokers!, b => Assert.False(b.Created));
        Assert.All(check.Ingress!.Rules, r => Assert.False(r.Added));
        Assert.All(check.Revisions!, r => Assert.False(r.Written || r.RebootRequired || r.UserCreated));
    }

    [Fact]
    public async Task Run_AfterABuild_WritesNothing()
    {
        await SlowPathAsync();
        var (calls, rules) = (mq.Calls.Count, ec2.Rules.Count);
        Assert.True((await CheckAsync()).Converged);
        Assert.All(mq.Calls.Skip(calls), c => Assert.Matches("^(ListBrokers|DescribeBroker .*|DescribeConfigurationRevision .*|ListUsers .*)$", c));
        Assert.Equal(rules, ec2.Rules.Count);
    }

    /// <summary>One difference each from a built tutorial network; the slow path would act on every one.</summary>
    public static TheoryData<string> Differences() =>
    [
        "broker missing", "broker rebooting", "revision pending", "connector missing", "connector changed", "ingress rule missing",
        "verifier ingress missing", "user missing", "user change pending", "broker not ActiveMQ", "broker of another deployment mode",
    ];

    [Theory]
    [MemberData(nameof(Differences))]
    public async Task Run_OneDifference_IsNotConvergedAndSaysWhy(string difference)
    {
        await SlowPathAsync();
        var broker2 = mq.ByName("MyBroker2");
        var broker1 = mq.ByName("MyBroker1");
        string expected;
        switch (difference)
        {
            case "broker missing":
                mq.Brokers.Remove(broker2.Id);
                expected = "MyBroker2\" does not exist";
                break;
            case "broker rebooting":
                broker2.State = BrokerStates.RebootInProgress;
                expected = "REBOOT_IN_PROGRESS";
                break;
            case "revision pending":
                mq.Revisions[broker2.ConfigurationId].Add(mq.Revisions[broker2.ConfigurationId][^1]);
                broker2.PendingRevision = mq.Revisions[broker2.ConfigurationId].Count;
                expected = "is pending";
                break;
            case "connector missing":
                EditCurrentRevision(broker1, d => d.Descendants(ConnectorConfigurationWriter.Core + "networkConnectors").Remove());
                expected = "is missing from revision";
                break;
            case "connector changed":
                EditCurrentRevision(broker1, d => d.Descendants(ConnectorConfigurationWriter.Core + "networkConnector").Single().SetAttributeValue("duplex", "false"));
                expected = "differs from the plan";
                break;
            case "ingress rule missing":
                ec2.Rules.RemoveAll(r => r.Port == DesiredIngress.OpenWirePort);
                expected = "has no ingress tcp 61617";
                break;
            case "verifier ingress missing":
                ec2.Rules.RemoveAll(r => r.Port == DesiredIngress.StompPort);
                expected = "has no ingress tcp 61614 from sg-verify";
                break;
            case "user missing":
                broker2.Users.Remove(spec.User.Username);
                expected = $"the common user {spec.User.Username} does not exist on \"MyBroker2\"";
                break;
            case "user change pending":
                broker2.UsersPending.Add("someoneElse");
                expected = "someoneElse have changes pending";
                break;
            case "broker not ActiveMQ":
                broker2.EngineType = "RABBITMQ";
                expected = "engine RABBITMQ";
                break;
            case "broker of another deployment mode":
                mq.Brokers[broker2.Id] = new FakeBrokerService.Broker
                {
                    Id = broker2.Id, Creation = broker2.Creation with { DeploymentMode = DeploymentModes.ActiveStandbyMultiAz },
                    State = broker2.State, ConfigurationId = broker2.ConfigurationId, CurrentRevision = broker2.CurrentRevision,
                };
                mq.Brokers[broker2.Id].Users.AddRange(broker2.Users);
                expected = "exists as ACTIVE_STANDBY_MULTI_AZ";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(difference));
        }

        var check = await CheckAsync();

        Assert.False(check.Converged);
        Assert.Contains(check.Differences, d => d.Contains(expected, StringComparison.Ordinal));
        Assert.Null(check.Brokers);
        Assert.Null(check.Plan);
        Assert.Null(check.Ingress);
        Assert.Null(check.Revisions);
    }

    /// <summary>A new revision from the broker's current XML, applied, as a person editing it in the console would.</summary>
    void EditCurrentRevision(FakeBrokerService.Broker broker, Action<XDocument> edit)
    {
        var document = XDocument.Parse(mq.Revisions[broker.ConfigurationId][broker.CurrentRevision - 1]);
        edit(document);
        mq.Revisions[broker.ConfigurationId].Add(document.ToString());
        broker.CurrentRevision = mq.Revisions[broker.ConfigurationId].Count;
    }
}
