using System.Text;
using System.Text.Json.Nodes;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Functions.Tests;

// The lifecycle handlers through the JSON the lifecycle state machines send them (shapes as agreed for the ASL).
public partial class HandlerContractTests
{
    const string EcTwo = "ec2:DeleteNetworkInterface ec2:DeleteNetworkInterfacePermission ec2:DetachNetworkInterface ec2:DescribeNetworkInterfaces ec2:DescribeNetworkInterfacePermissions";

    /// <summary>The IAM actions each lifecycle function needs: what template.yaml's policies must list.</summary>
    static readonly Dictionary<string, string> LifecyclePolicies = new(StringComparer.Ordinal)
    {
        ["StoreNetworkFunction"] = "ssm:GetParameter ssm:PutParameter",
        ["ListNetworksFunction"] = "ssm:GetParameter ssm:GetParametersByPath",
        ["CheckDriftFunction"] = "ec2:DescribeSecurityGroups mq:DescribeBroker mq:DescribeConfigurationRevision mq:ListBrokers mq:ListUsers ssm:GetParameter",
        ["ReportDriftFunction"] = "",
        ["PlanTeardownFunction"] = "mq:DescribeBroker mq:ListBrokers ssm:GetParameter",
        ["RevokeIngressFunction"] = "ec2:DescribeSecurityGroups ec2:RevokeSecurityGroupIngress mq:DescribeBroker mq:ListBrokers ssm:GetParameter ssm:GetParametersByPath",
        ["TeardownBrokerFunction"] = $"{EcTwo} mq:DeleteBroker mq:DescribeBroker mq:DescribeConfiguration mq:DescribeConfigurationRevision mq:ListBrokers mq:RebootBroker mq:UpdateBroker mq:UpdateConfiguration ssm:GetParameter ssm:GetParametersByPath",
        ["FinishTeardownFunction"] = "ssm:DeleteParameter",
    };

    /// <summary>
    /// Build (MyBroker1 adopted, MyBroker2 created), store, check drift, verify, report, then tear down: the
    /// adopted broker is unwired, the created one deleted, nob's ingress revoked, the record deleted.
    /// </summary>
    async Task<(JsonNode Drift, JsonNode Report, JsonNode Teardown)> LifecycleAsync(string networkName)
    {
        ssm.Values[$"/nob/{networkName}/password"] = Password;
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["networkName"] = networkName;
        spec["user"]!["passwordParameter"] = $"/nob/{networkName}/password";
        spec["brokers"] = new JsonArray(new JsonObject { ["name"] = $"{networkName}-1" }, new JsonObject { ["name"] = $"{networkName}-2" });
        spec["topology"] = new JsonObject { ["type"] = "source-sink", ["sources"] = new JsonArray($"{networkName}-1"), ["sinks"] = new JsonArray($"{networkName}-2") };
        // A group of its own: EC2 keeps one rule per group, port and source, so networks sharing a group share rules.
        spec["brokerDefaults"]!["securityGroups"] = new JsonArray($"sg-{networkName}");
        ec2.Vpcs[$"sg-{networkName}"] = "vpc-1";
        var adopted = mq.Add($"{networkName}-1"); // in sg-1, as FakeBrokerService.Add makes every adopted broker

        var summary = await BuildAsync(spec);
        Assert.Contains($"created broker {networkName}-2", summary["changes"]!.AsArray().Select(c => (string?)c));
        var brokers = new JsonArray([.. summary["brokers"]!.AsArray().Select(b => new JsonObject
        {
            ["brokerName"] = b!["brokerName"]!.DeepClone(), ["brokerId"] = b["brokerId"]!.DeepClone(), ["created"] = b["created"]!.DeepClone(),
        })]);
        var stored = await Invoke(new StoreNetworkFunction(Store("StoreNetworkFunction"), TimeProvider.System).HandleAsync,
            new JsonObject { ["spec"] = spec.DeepClone(), ["brokers"] = brokers, ["plan"] = lastPlan!.DeepClone(), ["executionName"] = "exec-1" });
        Assert.Equal((networkName, $"/nob/networks/{networkName}", 2, 1),
            ((string?)stored["networkName"], (string?)stored["parameterName"], (int)stored["brokers"]!, (int)stored["connectors"]!));

        var listed = await Invoke(new ListNetworksFunction(Store("ListNetworksFunction")).HandleAsync, new JsonObject { ["networkName"] = networkName });
        Assert.Equal([networkName], listed["networks"]!.AsArray().Select(n => (string?)n));
        Assert.Equal((true, false), ((bool)listed["verify"]!, (bool)listed["repair"]!));
        await Invoke(new ListNetworksFunction(Store("ListNetworksFunction")).HandleAsync, new JsonObject());

        var drift = await Invoke(new CheckDriftFunction(Mq("CheckDriftFunction"), Ec2("CheckDriftFunction"), Store("CheckDriftFunction"), new VerifierSource("sg-verify", []), TimeProvider.System).HandleAsync,
            new JsonObject { ["networkName"] = networkName });
        var verification = await Invoke(new VerifyFunction(Ssm("VerifyFunction"), probe, TimeProvider.System).HandleAsync,
            new JsonObject { ["spec"] = drift["spec"]!.DeepClone(), ["plan"] = drift["plan"]!.DeepClone() });
        var report = await Invoke(new ReportDriftFunction(TimeProvider.System).HandleAsync,
            new JsonObject { ["report"] = drift["report"]!.DeepClone(), ["verification"] = verification.DeepClone(), ["verificationError"] = null });

        // A network whose first build failed before storing its record: its brokers are found by nob's tag.
        var orphaned = mq.Add($"{networkName}-orphan-x", BrokerStates.CreationFailed, createdFor: $"{networkName}-orphan");
        var orphan = await Invoke(new PlanTeardownFunction(Store("PlanTeardownFunction"), Mq("PlanTeardownFunction")).HandleAsync,
            new JsonObject { ["networkName"] = $"{networkName}-orphan", ["spec"] = JsonNode.Parse(spec.ToJsonString().Replace($"\"{networkName}\"", $"\"{networkName}-orphan\"", StringComparison.Ordinal)) });
        Assert.Contains($"{networkName}-orphan-x", orphan["brokers"]!.AsArray().Select(b => (string?)b));
        mq.Brokers.Remove(orphaned.Id);
        var plan = await Invoke(new PlanTeardownFunction(Store("PlanTeardownFunction"), Mq("PlanTeardownFunction")).HandleAsync, new JsonObject { ["networkName"] = networkName, ["spec"] = null });
        // Another stored network (in other groups, with other brokers): the teardown asks what it still needs, and spares it.
        await store.PutAsync(new NetworkRecord(NetworkRecord.CurrentSchemaVersion, $"{networkName}-bystander", Repo.Example("tutorial").Replace("\"tutorial\"", $"\"{networkName}-bystander\"", StringComparison.Ordinal).Replace("\"sg-1\"", "\"sg-bystander\"", StringComparison.Ordinal),
            [], [], DateTimeOffset.UnixEpoch, null), CancellationToken.None);
        var revoked = await Invoke(new RevokeIngressFunction(Mq("RevokeIngressFunction"), Ec2("RevokeIngressFunction"), Store("RevokeIngressFunction"), new VerifierSource("sg-verify", [])).HandleAsync,
            new JsonObject { ["networkName"] = networkName, ["spec"] = plan["spec"]!.DeepClone(), ["brokers"] = plan["brokers"]!.DeepClone() });
        Assert.NotEmpty(revoked["revoked"]!.AsArray());
        foreach (var name in plan["brokers"]!.AsArray())
        {
            var turn = new JsonObject
            {
                ["networkName"] = networkName, ["brokerName"] = name!.DeepClone(), ["poll"] = 0, ["polling"] = plan["polling"]!.DeepClone(),
            };
            while (true)
            {
                var status = await Invoke(new TeardownBrokerFunction(Mq("TeardownBrokerFunction"), Store("TeardownBrokerFunction"), TimeProvider.System).HandleAsync, turn);
                if ((bool)status["done"]!) break;
                Assert.InRange((int)status["nextWaitSeconds"]!, 1, 3600);
                // What Amazon MQ does between two turns: a reboot or a deletion finishes.
                var id = (string)status["brokerId"]!;
                if (mq.Brokers[id].State == BrokerStates.RebootInProgress) mq.FinishReboot(id);
                else if (mq.Brokers[id].State == BrokerStates.DeletionInProgress) mq.FinishDeletion(id);
                // As the state machine does ("Payload.$": "$"): the whole status is the next turn.
                turn = status.AsObject();
            }
        }
        var finished = await Invoke(new FinishTeardownFunction(Store("FinishTeardownFunction")).HandleAsync, new JsonObject { ["networkName"] = networkName });
        Assert.Contains(adopted.Id, mq.Brokers.Keys);
        return (drift, report, finished);
    }

    [Fact]
    public async Task LifecycleHandlers_BuildCheckAndTearDown_SpeakTheAgreedJson()
    {
        var (drift, report, finished) = await LifecycleAsync("tutorial");

        Assert.Equal("tutorial", (string?)drift["networkName"]);
        Assert.Equal("tutorial", (string?)drift["spec"]!["networkName"]);
        Assert.Equal(2, drift["plan"]!["brokers"]!.AsArray().Count);
        Assert.True((bool)drift["report"]!["inSync"]!);
        Assert.Equal("Network In Sync", (string?)report["detailType"]);
        Assert.Empty(report["findings"]!.AsArray());
        Assert.NotNull(report["checkedAt"]);
        Assert.Equal(("tutorial", true), ((string?)finished["networkName"], (bool)finished["recordDeleted"]!));
        Assert.Single(mq.Brokers); // the adopted one stays
        Assert.Equal(3, ec2.Revoked.Count); // OpenWire into tutorial-2's group, STOMP from the verifier into both groups
        Assert.DoesNotContain(ec2.Rules, r => r.Description.StartsWith("nob tutorial ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportDrift_CaughtVerifyError_AddsBridgeFailedWithTheErrorMessage()
    {
        var report = new JsonObject
        {
            ["networkName"] = "tutorial", ["inSync"] = true, ["detailType"] = "Network In Sync", ["findings"] = new JsonArray(), ["checkedAt"] = "2026-11-25T10:00:00+00:00",
        };
        var cause = """{"errorType":"BridgeVerificationFailedException","errorMessage":"A -> B: no message","stackTrace":["at x"]}""";
        var final = await Invoke(new ReportDriftFunction(TimeProvider.System).HandleAsync, new JsonObject
        {
            ["report"] = report, ["verification"] = null, ["verificationError"] = new JsonObject { ["Error"] = "BridgeVerificationFailedException", ["Cause"] = cause },
        });
        Assert.False((bool)final["inSync"]!);
        Assert.Equal("Network Drift Detected", (string?)final["detailType"]);
        var finding = final["findings"]![0]!;
        Assert.Equal(("BridgeFailed", (string?)null, "bridge verification failed: A -> B: no message"),
            ((string?)finding["kind"], (string?)finding["brokerName"], (string?)finding["detail"]));
    }

    [Fact]
    public async Task ListNetworks_NamedNetworkNotStored_ThrowsNetworkNotFound()
    {
        var e = await Assert.ThrowsAsync<NetworkNotFoundException>(() => Invoke(new ListNetworksFunction(store).HandleAsync, new JsonObject { ["networkName"] = "nope" }));
        Assert.Contains("build-network", e.Message, StringComparison.Ordinal);
        var all = await Invoke(new ListNetworksFunction(store).HandleAsync, new JsonObject { ["verify"] = false, ["repair"] = true });
        Assert.Empty(all["networks"]!.AsArray());
        Assert.Equal((false, true), ((bool)all["verify"]!, (bool)all["repair"]!));
    }

    [Fact]
    public async Task PlanTeardown_PollingGiven_WaitsByItWhateverTheSpecSays()
    {
        var plan = await Invoke(new PlanTeardownFunction(store, mq).HandleAsync, new JsonObject
        {
            ["networkName"] = "tutorial", ["spec"] = JsonNode.Parse(Repo.Example("tutorial")),
            ["polling"] = new JsonObject { ["intervalSeconds"] = 1, ["timeoutMinutes"] = 10, ["expectedDeletionSeconds"] = 1 },
        });
        Assert.Equal((1, 1, 600), ((int)plan["polling"]!["expectedDeletionSeconds"]!, (int)plan["polling"]!["maxWaitSeconds"]!, (int)plan["polling"]!["timeoutSeconds"]!));
    }

    [Fact]
    public async Task PlanTeardown_InvalidPollingGiven_ThrowsInvalidSpecNamingTheField()
    {
        var e = await Assert.ThrowsAsync<InvalidSpecException>(() => Invoke(new PlanTeardownFunction(store, mq).HandleAsync, new JsonObject
        {
            ["networkName"] = "tutorial", ["spec"] = JsonNode.Parse(Repo.Example("tutorial")), ["polling"] = new JsonObject { ["expectedDeletionSeconds"] = 0 },
        }));
        Assert.Contains("polling.expectedDeletionSeconds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanTeardown_NothingStoredButSpecGiven_UsesTheSpec()
    {
        var plan = await Invoke(new PlanTeardownFunction(store, mq).HandleAsync, new JsonObject { ["networkName"] = "tutorial", ["spec"] = JsonNode.Parse(Repo.Example("tutorial")) });
        Assert.False((bool)plan["stored"]!);
        Assert.Equal((300, 30, 3600, 3602), ((int)plan["polling"]!["expectedDeletionSeconds"]!, (int)plan["polling"]!["maxWaitSeconds"]!,
            (int)plan["polling"]!["timeoutSeconds"]!, (int)plan["polling"]!["maxPolls"]!));
        Assert.Equal(["MyBroker1", "MyBroker2"], plan["brokers"]!.AsArray().Select(b => (string?)b));
        Assert.Equal("tutorial", (string?)plan["spec"]!["networkName"]);
    }

    [Fact]
    public async Task TeardownBroker_Timeout_ThrowsTeardownTimedOutException()
    {
        mq.Add("MyBroker1", BrokerStates.RebootInProgress);
        var polling = JsonNode.Parse(StepJson.Write(PollPlan.For(new PollingSpec(30, 60), 2) with { MaxPolls = 5 }, StepJson.Default.PollPlan));
        await Assert.ThrowsAsync<TeardownTimedOutException>(() => Invoke(new TeardownBrokerFunction(mq, store, TimeProvider.System).HandleAsync, new JsonObject
        {
            ["networkName"] = "tutorial", ["brokerName"] = "MyBroker1", ["poll"] = 4, ["polling"] = polling,
        }));
    }

    [Theory]
    [InlineData("""{"networkName":"tutorial","brokerName":"MyBroker1","poll":0}""", "no polling plan")]
    [InlineData("""{"networkName":"tutorial","brokerName":"MyBroker1","poll":0,"phase":"melting","polling":{"expectedCreationSeconds":900,"expectedRebootSeconds":300,"minWaitSeconds":1,"maxWaitSeconds":30,"timeoutSeconds":3600,"maxPolls":3602,"lingerSeconds":0,"lingerIntervalMilliseconds":400}}""", "phase \"melting\"")]
    public async Task TeardownBroker_TurnWithoutPlanOrWithUnknownPhase_ThrowsStepInputExceptionBeforeAnyCall(string input, string why)
    {
        mq.Add("MyBroker1");
        var e = await Assert.ThrowsAsync<StepInputException>(() => Invoke(new TeardownBrokerFunction(mq, store, TimeProvider.System).HandleAsync, JsonNode.Parse(input)!));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Empty(mq.Calls);
    }

    [Fact]
    public async Task Policies_LifecycleFunctions_NeedExactlyTheActionsTheirCodeCalls()
    {
        await LifecycleAsync("tutorial");
        // The drift paths not taken by an in-sync network call nothing more; the teardown's adopted and created paths both ran.
        foreach (var (function, expected) in LifecyclePolicies)
        {
            var needed = CallsOf(function).SelectMany(ActionsOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), needed);
        }
    }
}
