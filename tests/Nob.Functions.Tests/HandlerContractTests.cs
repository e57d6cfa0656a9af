using Nob.Core.Api;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Nob.Aws.Adapters;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

/// <summary>
/// Drives every handler through the JSON the state machine sends it (camelCase, shapes as in the ASL), over fakes,
/// recording which port methods each function calls; then checks each function's IAM policy against the actions the
/// adapters declare for exactly those methods.
/// </summary>
public partial class HandlerContractTests
{
    const string Password = "s3cret-Passw0rd";
    readonly FakeBrokerService mq = new();
    readonly FakeSecurityGroups ec2 = new();
    readonly FakeParameters ssm = new();
    readonly FakeMessageProbe probe = FakeMessageProbe.Connected();
    readonly FakeNetworkStore store = new();
    readonly Dictionary<string, HashSet<string>> calls = new(StringComparer.Ordinal);

    public HandlerContractTests()
    {
        ssm.Values["/nob/tutorial/password"] = Password;
        ssm.Values["/nob/active-standby/password"] = Password;
        ec2.Vpcs["sg-1"] = "vpc-1";
    }

    HashSet<string> CallsOf(string function) => calls.TryGetValue(function, out var set) ? set : calls[function] = [];
    IBrokerService Mq(string function) => Recording<IBrokerService>.Wrap(mq, CallsOf(function));
    ISecurityGroupService Ec2(string function) => Recording<ISecurityGroupService>.Wrap(ec2, CallsOf(function));
    IParameterStore Ssm(string function) => Recording<IParameterStore>.Wrap(ssm, CallsOf(function));
    INetworkStore Store(string function) => Recording<INetworkStore>.Wrap(store, CallsOf(function));

    static async Task<JsonNode> Invoke(Func<Stream, Task<Stream>> handler, JsonNode payload)
    {
        await using var output = await handler(new MemoryStream(Encoding.UTF8.GetBytes(payload.ToJsonString())));
        using var reader = new StreamReader(output);
        var text = await reader.ReadToEndAsync();
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        return JsonNode.Parse(text)!;
    }

    /// <summary>The build-network flow, step by step, as the ASL wires it.</summary>
    Task<JsonNode> BuildAsync(string example) => BuildAsync(JsonNode.Parse(Repo.Example(example))!);

    /// <summary>What CheckConverged answered in the last build (the flow below goes on with the slow path either way).</summary>
    JsonNode? lastConverged;

    /// <summary>What PlanNetwork answered in the last build: the plan the state carries on to StoreNetwork.</summary>
    JsonNode? lastPlan;

    async Task<JsonNode> BuildAsync(JsonNode spec)
    {
        var network = await Invoke(new ValidateFunction().HandleAsync, new JsonObject { ["spec"] = spec.DeepClone() });
        lastConverged = await Invoke(new CheckConvergedFunction(Mq("CheckConvergedFunction"), Ec2("CheckConvergedFunction"), Ssm("CheckConvergedFunction"), new VerifierSource("sg-verify", [])).HandleAsync,
            new JsonObject { ["spec"] = spec.DeepClone() });
        var brokers = new JsonArray();
        foreach (var name in network["brokers"]!.AsArray())
        {
            var ensured = await Invoke(new EnsureBrokerFunction(Mq("EnsureBrokerFunction"), Ssm("EnsureBrokerFunction")).HandleAsync,
                new JsonObject { ["spec"] = spec.DeepClone(), ["brokerName"] = name!.DeepClone() });
            brokers.Add(ensured);
        }
        // The creation stage's first turn, as StartWaitForBrokers lays it out: every broker checked at once (listed, and
        // described for its creation time while creating); the next turn finds them RUNNING in the listing.
        var creating = await Invoke(new BrokerStateFunction(Mq("BrokerStateFunction"), TimeProvider.System).HandleAsync, new JsonObject
        {
            ["brokers"] = brokers.DeepClone(), ["polling"] = network["polling"]!.DeepClone(), ["waits"] = new JsonArray(), ["recreated"] = new JsonArray(),
        });
        foreach (var b in mq.Brokers.Values) if (b.State == BrokerStates.CreationInProgress) b.State = BrokerStates.Running;
        var stage = await Invoke(new BrokerStateFunction(Mq("BrokerStateFunction"), TimeProvider.System).HandleAsync, new JsonObject
        {
            ["brokers"] = brokers.DeepClone(), ["polling"] = network["polling"]!.DeepClone(), ["waits"] = creating["waits"]!.DeepClone(), ["recreated"] = new JsonArray(),
        });
        Assert.True((bool)stage["ready"]!);
        Assert.Equal(brokers.ToJsonString(), stage["brokers"]!.ToJsonString());
        Assert.All(stage["waits"]!.AsArray(), w => Assert.Equal(network["polling"]!.ToJsonString(), w!["polling"]!.ToJsonString()));
        Assert.Empty(stage["recreate"]!.AsArray());
        var plan = await Invoke(new PlanNetworkFunction(Mq("PlanNetworkFunction")).HandleAsync, new JsonObject { ["spec"] = spec.DeepClone(), ["brokers"] = brokers.DeepClone() });
        lastPlan = plan;
        var ingress = await Invoke(new OpenIngressFunction(Ec2("OpenIngressFunction"), new VerifierSource("sg-verify", [])).HandleAsync, new JsonObject { ["spec"] = spec.DeepClone(), ["plan"] = plan.DeepClone() });
        var revisions = new JsonArray();
        foreach (var broker in plan["brokers"]!.AsArray())
        {
            var revision = await Invoke(new WriteConnectorRevisionFunction(Mq("WriteConnectorRevisionFunction"), Ssm("WriteConnectorRevisionFunction")).HandleAsync,
                new JsonObject { ["spec"] = spec.DeepClone(), ["plan"] = plan.DeepClone(), ["brokerName"] = broker!["brokerName"]!.DeepClone() });
            revisions.Add(revision);
        }
        // The reboot stage, as RebootBrokers reads it: the first turn reboots every broker with a pending change (no
        // check: a Wait lies between a reboot and its first check), the next finds them RUNNING on nob's revision.
        var rebootStage = new JsonObject
        {
            ["revisions"] = revisions.DeepClone(), ["polling"] = network["polling"]!.DeepClone(), ["concurrency"] = (int)plan["rebootConcurrency"]!,
            ["waits"] = new JsonArray(),
        };
        var rebooting = await Invoke(new RebootBrokerFunction(Mq("RebootBrokerFunction"), TimeProvider.System).HandleAsync, rebootStage.DeepClone());
        var due = revisions.Where(r => (bool)r!["rebootRequired"]!).ToList();
        Assert.Equal(due.Count > 0 ? (false, due.Count, 0) : (true, 0, 0), ((bool)rebooting["ready"]!, rebooting["waits"]!.AsArray().Count, (int)rebooting["pending"]!));
        foreach (var w in rebooting["waits"]!.AsArray())
        {
            Assert.Equal((0, "reboot"), ((int)w!["poll"]!, (string?)w["phase"]));
            Assert.True((int)w["nextWaitSeconds"]! >= 1);
            Assert.NotNull(w["since"]);
            // The loop carries the revision nob set; once RUNNING the broker must run it.
            var revision = due.Single(r => (string?)r!["brokerName"] == (string?)w["brokerName"])!;
            Assert.Equal(((string?)revision["configurationId"], (int)revision["revision"]!),
                ((string?)w["expectedConfiguration"]!["id"], (int)w["expectedConfiguration"]!["revision"]!));
            mq.FinishReboot((string)revision["brokerId"]!);
        }
        if (due.Count > 0)
        {
            rebootStage["waits"] = rebooting["waits"]!.DeepClone();
            var rebooted = await Invoke(new RebootBrokerFunction(Mq("RebootBrokerFunction"), TimeProvider.System).HandleAsync, rebootStage);
            Assert.True((bool)rebooted["ready"]!);
            Assert.All(rebooted["waits"]!.AsArray(), w => Assert.True((bool)w!["ready"]!));
        }
        var verification = await Invoke(new VerifyFunction(Ssm("VerifyFunction"), probe, TimeProvider.System).HandleAsync, new JsonObject { ["spec"] = spec.DeepClone(), ["plan"] = plan.DeepClone() });
        return await Invoke(new SummarizeFunction(Mq("SummarizeFunction"), TimeProvider.System).HandleAsync, new JsonObject
        {
            ["spec"] = spec.DeepClone(), ["brokers"] = brokers.DeepClone(), ["plan"] = plan.DeepClone(), ["ingress"] = ingress.DeepClone(),
            ["revisions"] = revisions.DeepClone(), ["verification"] = verification.DeepClone(), ["startedAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"),
        });
    }

    [Fact]
    public async Task Handlers_TutorialBuild_SummaryNamesBrokersConnectorAndIngress()
    {
        var summary = await BuildAsync("tutorial");
        Assert.Equal("tutorial", (string?)summary["networkName"]);
        Assert.Equal(["MyBroker1", "MyBroker2"], summary["brokers"]!.AsArray().Select(b => (string?)b!["brokerName"]));
        Assert.Equal("MyBroker1 <==> MyBroker2", (string?)summary["connectors"]![0]);
        Assert.Equal("sg-1", (string?)summary["ingress"]![0]!["rule"]!["sourceSecurityGroupId"]);
        Assert.Contains(summary["ingress"]!.AsArray(), r => (int)r!["rule"]!["port"]! == 61614 && (string?)r["rule"]!["sourceSecurityGroupId"] == "sg-verify");
        Assert.Equal("PASSED", (string?)summary["verification"]!["status"]);
        Assert.Equal(2, summary["verification"]!["pairs"]!.AsArray().Count);
        Assert.True((double)summary["elapsedSeconds"]! > 0);
        Assert.Equal(1, mq.ByName("MyBroker1").Reboots);
        Assert.Equal(0, mq.ByName("MyBroker2").Reboots);
    }

    [Fact]
    public async Task Handlers_SecondBuild_CreatesWritesAndRebootsNothing()
    {
        var first = await BuildAsync("tutorial");
        Assert.False((bool)lastConverged!["converged"]!);
        var before = mq.Calls.Count;
        var summary = await BuildAsync("tutorial");
        var second = mq.Calls.Skip(before).ToList();
        Assert.True((bool)lastConverged!["converged"]!, lastConverged.ToJsonString());
        Assert.Contains("rebooted MyBroker1", first["changes"]!.AsArray().Select(c => (string?)c));
        Assert.Empty(summary["changes"]!.AsArray());
        Assert.DoesNotContain(second, c => c.StartsWith("CreateBroker", StringComparison.Ordinal) || c.StartsWith("UpdateConfiguration", StringComparison.Ordinal)
            || c.StartsWith("UpdateBroker", StringComparison.Ordinal) || c.StartsWith("RebootBroker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_BadSpec_ThrowsInvalidSpecExceptionNamingEveryError()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["brokers"]![0]!["name"] = "My Broker";
        spec["user"]!["password"] = "x";
        var e = await Assert.ThrowsAsync<InvalidSpecException>(() => Invoke(new ValidateFunction().HandleAsync, new JsonObject { ["spec"] = spec }));
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public async Task BrokerState_AfterTheRebootTheBrokerRunsAnotherRevision_ThrowsBrokerRevisionMismatchException()
    {
        var broker = mq.Add("A");
        var wait = JsonNode.Parse("""
            {"brokerName":"A","phase":"reboot","poll":1,"polling":{"expectedCreationSeconds":900,"expectedRebootSeconds":300,"minWaitSeconds":1,"maxWaitSeconds":30,"timeoutSeconds":3600,"maxPolls":3602,"lingerSeconds":0,"lingerIntervalMilliseconds":400}}
            """)!;
        wait["brokerId"] = broker.Id;
        wait["expectedConfiguration"] = new JsonObject { ["id"] = broker.ConfigurationId, ["revision"] = 2 };
        wait["ready"] = false;
        wait["nextWaitSeconds"] = 30;
        var revision = new JsonObject
        {
            ["brokerName"] = "A", ["brokerId"] = broker.Id, ["configurationId"] = broker.ConfigurationId, ["revision"] = 2, ["written"] = true,
            ["rebootRequired"] = true, ["addedConnectors"] = new JsonArray(), ["removedConnectors"] = new JsonArray(), ["updatedConnectors"] = new JsonArray(),
            ["userCreated"] = false,
        };
        var stage = new JsonObject { ["revisions"] = new JsonArray(revision), ["polling"] = wait["polling"]!.DeepClone(), ["concurrency"] = 10, ["waits"] = new JsonArray(wait) };
        var e = await Assert.ThrowsAsync<BrokerRevisionMismatchException>(() => Invoke(new RebootBrokerFunction(mq, TimeProvider.System).HandleAsync, stage));
        Assert.Equal(2, e.Expected.Revision);
        Assert.Equal(1, e.Actual?.Revision);
    }

    [Fact]
    public async Task Handler_InputOfTheWrongShape_ThrowsStepInputException()
    {
        await Assert.ThrowsAsync<StepInputException>(() => Invoke(new BrokerStateFunction(mq, TimeProvider.System).HandleAsync, new JsonObject { ["brokerId"] = 5 }));
    }

    [Theory]
    [InlineData("""{"brokers":[{"brokerName":"A","brokerId":"b-1","created":true,"phase":"creation"}]}""", "no polling plan")]
    [InlineData("""{"polling":{"expectedCreationSeconds":900,"expectedRebootSeconds":300,"minWaitSeconds":1,"maxWaitSeconds":30,"timeoutSeconds":3600,"maxPolls":3602,"lingerSeconds":0,"lingerIntervalMilliseconds":400}}""", "no brokers")]
    [InlineData("""{"brokers":[],"waits":[{"brokerName":"A","brokerId":"b-1","phase":"deletion","state":"RUNNING","ready":false,"poll":0,"nextWaitSeconds":1,"polling":{"expectedCreationSeconds":900,"expectedRebootSeconds":300,"minWaitSeconds":1,"maxWaitSeconds":30,"timeoutSeconds":3600,"maxPolls":3602,"lingerSeconds":0,"lingerIntervalMilliseconds":400}}],"polling":{"expectedCreationSeconds":900,"expectedRebootSeconds":300,"minWaitSeconds":1,"maxWaitSeconds":30,"timeoutSeconds":3600,"maxPolls":3602,"lingerSeconds":0,"lingerIntervalMilliseconds":400}}""", "phase \"deletion\"")]
    public async Task BrokerState_WaitWithoutPlanOrWithUnknownPhase_ThrowsStepInputExceptionBeforeAnyCall(string input, string why)
    {
        var e = await Assert.ThrowsAsync<StepInputException>(() => Invoke(new BrokerStateFunction(mq, TimeProvider.System).HandleAsync, JsonNode.Parse(input)!));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Empty(mq.Calls);
    }

    [Fact]
    public async Task Policies_EveryFunctionIsAllowedExactlyTheActionsItsCodeCalls()
    {
        await BuildAsync("tutorial");
        ssm.Values["/nob/hub-and-spoke/password"] = Password;
        await BuildAsync("hub-and-spoke");
        // A re-run: the converged check goes all the way (users, revisions, ingress), not just to the first missing broker.
        await BuildAsync("tutorial");
        Assert.True((bool)lastConverged!["converged"]!, lastConverged.ToJsonString());
        // An adopted broker without the common user exercises CreateUser.
        mq.Add("Adopted1");
        mq.Add("Adopted2");
        var adopted = JsonNode.Parse(Repo.Example("tutorial"))!;
        adopted["networkName"] = "adopted";
        adopted["brokers"] = new JsonArray(new JsonObject { ["name"] = "Adopted1" }, new JsonObject { ["name"] = "Adopted2" });
        adopted["topology"] = new JsonObject { ["type"] = "mesh" };
        var spec = SpecReader.ReadValid(adopted.ToJsonString());
        var plan = await new PlanNetworkStep(mq).RunAsync(spec, [new EnsuredBroker("Adopted1", mq.ByName("Adopted1").Id, false), new EnsuredBroker("Adopted2", mq.ByName("Adopted2").Id, false)], CancellationToken.None);
        await Invoke(new WriteConnectorRevisionFunction(Mq("WriteConnectorRevisionFunction"), Ssm("WriteConnectorRevisionFunction")).HandleAsync,
            new JsonObject { ["spec"] = JsonNode.Parse(adopted.ToJsonString()), ["plan"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(plan, StepJson.Default.NetworkPlanResult)), ["brokerName"] = "Adopted2" });
        Assert.Contains("IBrokerService.CreateUserAsync", CallsOf("WriteConnectorRevisionFunction"));
        // A broker nob created that is CREATION_FAILED: EnsureBroker deletes it to create it again.
        var failed = mq.Add("Failed1", BrokerStates.CreationFailed, createdFor: "failed");
        var failedSpec = JsonNode.Parse(Repo.Example("tutorial"))!;
        failedSpec["networkName"] = "failed";
        failedSpec["brokers"] = new JsonArray(new JsonObject { ["name"] = "Failed1" }, new JsonObject { ["name"] = "Failed2" });
        failedSpec["topology"] = new JsonObject { ["type"] = "mesh" };
        var deleting = await Invoke(new EnsureBrokerFunction(Mq("EnsureBrokerFunction"), Ssm("EnsureBrokerFunction")).HandleAsync,
            new JsonObject { ["spec"] = failedSpec, ["brokerName"] = "Failed1", ["recreation"] = new JsonObject { ["count"] = 0 } });
        Assert.Equal(("deletion-for-recreate", 1, failed.Id), ((string?)deleting["phase"], (int?)deleting["recreation"]!["count"], (string?)deleting["recreation"]!["replacesBrokerId"]));
        Assert.Contains("IBrokerService.DeleteBrokerAsync", CallsOf("EnsureBrokerFunction"));
        // A rotated password exercises UpdateUser (and the converged check's version read).
        ssm.Values["/nob/tutorial/password"] = "r0tated-Passw0rd";
        await BuildAsync("tutorial");
        Assert.Contains("IBrokerService.UpdateUserPasswordAsync", CallsOf("WriteConnectorRevisionFunction"));
        // The lifecycle functions are checked once template.yaml has them (the loop covers the template's functions only).
        await LifecycleAsync("lifecycle");
        // The lock functions: take over a lock whose holder ended (status asked, older generation deleted), then give it back.
        var locks = new FakeLockStore();
        locks.Set("lifecycle", 1, "arn:aws:states:us-east-1:123456789012:execution:build:ended");
        var lockRequest = new JsonObject { ["networkName"] = "lifecycle", ["owner"] = "arn:aws:states:us-east-1:123456789012:execution:build:now" };
        var acquired = await Invoke(new AcquireLockFunction(Recording<ILockStore>.Wrap(locks, CallsOf("AcquireLockFunction")),
            Recording<IExecutionStatus>.Wrap(new FakeExecutionStatus(), CallsOf("AcquireLockFunction"))).HandleAsync, lockRequest.DeepClone());
        Assert.Equal(2, (long)acquired["generation"]!);
        var released = await Invoke(new ReleaseLockFunction(Recording<ILockStore>.Wrap(locks, CallsOf("ReleaseLockFunction"))).HandleAsync, lockRequest.DeepClone());
        Assert.True((bool)released["released"]!);
        // The API function: start a build, read the network back, start a drift check and a teardown (one with a key
        // reused after its execution closed, so the existing execution is read back), and read an execution's status.
        var fakeExecutions = new FakeWorkflowExecutions(TimeProvider.System);
        var executions = Recording<IWorkflowExecutions>.Wrap(fakeExecutions, CallsOf("ApiFunction"));
        var api = new ApiFunction(executions, Store("ApiFunction"), FakeStateMachines.In("us-east-1", "123456789012"), TimeProvider.System);
        var started = await Invoke(api.HandleAsync, new JsonObject { ["httpMethod"] = "POST", ["resource"] = "/networks", ["path"] = "/networks", ["body"] = Repo.Example("tutorial") });
        Assert.Equal(202, (int)started["statusCode"]!);
        var read = await Invoke(api.HandleAsync, new JsonObject
        {
            ["httpMethod"] = "GET", ["resource"] = "/networks/{name}", ["path"] = "/networks/tutorial", ["pathParameters"] = new JsonObject { ["name"] = "tutorial" },
        });
        Assert.Equal(200, (int)read["statusCode"]!);
        var drift = await Invoke(api.HandleAsync, new JsonObject
        {
            ["httpMethod"] = "POST", ["resource"] = "/networks/{name}/drift-checks", ["path"] = "/networks/tutorial/drift-checks",
            ["pathParameters"] = new JsonObject { ["name"] = "tutorial" }, ["body"] = """{"repair": true}""",
        });
        Assert.Equal(202, (int)drift["statusCode"]!);
        JsonObject Delete() => new()
        {
            ["httpMethod"] = "DELETE", ["resource"] = "/networks/{name}", ["path"] = "/networks/tutorial",
            ["pathParameters"] = new JsonObject { ["name"] = "tutorial" }, ["headers"] = new JsonObject { ["Idempotency-Key"] = "teardown-1" },
        };
        var teardown = await Invoke(api.HandleAsync, Delete());
        Assert.Equal(202, (int)teardown["statusCode"]!);
        var teardownName = (string)JsonNode.Parse((string)teardown["body"]!)!["executionName"]!;
        fakeExecutions.Close(teardownName);
        Assert.Equal(200, (int)(await Invoke(api.HandleAsync, Delete()))["statusCode"]!);
        var status = await Invoke(api.HandleAsync, new JsonObject
        {
            ["httpMethod"] = "GET", ["resource"] = "/networks/{name}/executions/{executionName}", ["path"] = $"/networks/tutorial/executions/{teardownName}",
            ["pathParameters"] = new JsonObject { ["name"] = "tutorial", ["executionName"] = teardownName },
        });
        Assert.Equal(200, (int)status["statusCode"]!);

        var conditioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (function, properties) in Repo.ResourcesOfType("AWS::Serverless::Function"))
        {
            var needed = CallsOf(function).SelectMany(ActionsOf).ToHashSet(StringComparer.Ordinal);
            var allowed = PolicyActions(properties).ToHashSet(StringComparer.Ordinal);
            Assert.True(needed.SetEquals(allowed),
                $"{function}: code calls {string.Join(", ", needed.Order())}; policy allows {string.Join(", ", allowed.Order())}");
            foreach (var statement in PolicyStatements(properties))
            {
                var actions = ((YamlSequenceNode)statement["Action"]).Select(a => ((YamlScalarNode)a).Value!).ToList();
                foreach (var action in actions.Where(ConditionedActions.ContainsKey))
                {
                    ConditionedActions[action](function, statement);
                    conditioned.Add(action);
                }
            }
        }
        // Each narrowing is in use: the code calls every conditioned action somewhere.
        Assert.True(conditioned.SetEquals(ConditionedActions.Keys), $"conditioned actions granted: {string.Join(", ", conditioned.Order())}");
    }

    /// <summary>The condition a policy statement must carry wherever it grants the action (what the action may touch).</summary>
    static readonly Dictionary<string, Action<string, YamlMappingNode>> ConditionedActions = new(StringComparer.Ordinal)
    {
        // Amazon MQ's documented policy: the ENI permission actions only for Amazon MQ's service accounts.
        ["ec2:CreateNetworkInterfacePermission"] = (f, s) => AssertCondition(f, s, "StringEquals", "ec2:AuthorizedService", "mq.amazonaws.com"),
        ["ec2:DeleteNetworkInterfacePermission"] = (f, s) => AssertCondition(f, s, "StringEquals", "ec2:AuthorizedService", "mq.amazonaws.com"),
        ["ec2:DescribeNetworkInterfacePermissions"] = (f, s) => AssertCondition(f, s, "StringEquals", "ec2:AuthorizedService", "mq.amazonaws.com"),
        // Ingress only on security groups of the brokers' VPC, not on every group of the account.
        ["ec2:AuthorizeSecurityGroupIngress"] = AssertBrokersVpcOnly,
        ["ec2:RevokeSecurityGroupIngress"] = AssertBrokersVpcOnly,
        // Amazon MQ's service-linked role, and no other.
        ["iam:CreateServiceLinkedRole"] = (f, s) =>
        {
            AssertCondition(f, s, "StringEquals", "iam:AWSServiceName", "mq.amazonaws.com");
            Assert.EndsWith(":role/aws-service-role/mq.amazonaws.com/AWSServiceRoleForAmazonMQ", ((YamlScalarNode)s["Resource"]).Value, StringComparison.Ordinal);
        },
    };

    static void AssertBrokersVpcOnly(string function, YamlMappingNode statement)
    {
        var vpc = AssertCondition(function, statement, "ArnEquals", "ec2:Vpc", null);
        Assert.Equal("!Sub", vpc.Tag.Value);
        Assert.EndsWith(":vpc/${VpcId}", vpc.Value, StringComparison.Ordinal);
        Assert.EndsWith(":security-group/*", ((YamlScalarNode)statement["Resource"]).Value, StringComparison.Ordinal);
    }

    /// <summary>The statement's condition <paramref name="key"/> under <paramref name="op"/> (equal to <paramref name="expected"/> when given).</summary>
    static YamlScalarNode AssertCondition(string function, YamlMappingNode statement, string op, string key, string? expected)
    {
        var actions = string.Join(", ", ((YamlSequenceNode)statement["Action"]).Select(a => ((YamlScalarNode)a).Value));
        Assert.True(statement.Children.TryGetValue(new YamlScalarNode("Condition"), out var condition), $"{function}: {actions} without a condition");
        Assert.True(((YamlMappingNode)condition).Children.TryGetValue(new YamlScalarNode(op), out var byOperator), $"{function}: {actions} without {op}");
        Assert.True(((YamlMappingNode)byOperator).Children.TryGetValue(new YamlScalarNode(key), out var value), $"{function}: {actions} without {op} {key}");
        var scalar = (YamlScalarNode)value;
        if (expected is not null) Assert.Equal(expected, scalar.Value);
        return scalar;
    }

    static IEnumerable<YamlMappingNode> PolicyStatements(YamlMappingNode properties)
    {
        if (!properties.Children.TryGetValue(new YamlScalarNode("Policies"), out var policies)) yield break;
        foreach (var policy in ((YamlSequenceNode)policies).OfType<YamlMappingNode>())
        {
            if (!policy.Children.TryGetValue(new YamlScalarNode("Statement"), out var statements)) continue;
            foreach (var statement in ((YamlSequenceNode)statements).Cast<YamlMappingNode>()) yield return statement;
        }
    }

    static readonly Dictionary<Type, Type> Adapters = new()
    {
        [typeof(IBrokerService)] = typeof(AmazonMqBrokerService),
        [typeof(ISecurityGroupService)] = typeof(Ec2SecurityGroupService),
        [typeof(IParameterStore)] = typeof(SsmParameterStore),
        [typeof(INetworkStore)] = typeof(SsmNetworkStore),
        [typeof(IWorkflowExecutions)] = typeof(StepFunctionsExecutions),
        [typeof(ILockStore)] = typeof(SsmLockStore),
        [typeof(IExecutionStatus)] = typeof(StepFunctionsExecutionStatus),
    };

    /// <summary>The IAM actions the adapter declares for one recorded port call ("IBrokerService.DescribeBrokerAsync").</summary>
    static IEnumerable<string> ActionsOf(string call)
    {
        var (portName, methodName) = (call.Split('.')[0], call.Split('.')[1]);
        var port = Adapters.Keys.Single(p => p.Name == portName);
        var map = Adapters[port].GetInterfaceMap(port);
        var implementation = map.TargetMethods[Array.FindIndex(map.InterfaceMethods, m => m.Name == methodName)];
        return implementation.GetCustomAttribute<IamActionsAttribute>()?.Actions ?? throw new InvalidOperationException($"{Adapters[port].Name}.{methodName} declares no IAM actions");
    }

    static IEnumerable<string> PolicyActions(YamlMappingNode properties)
    {
        if (!properties.Children.TryGetValue(new YamlScalarNode("Policies"), out var policies)) yield break;
        foreach (var policy in ((YamlSequenceNode)policies).OfType<YamlMappingNode>())
        {
            if (!policy.Children.TryGetValue(new YamlScalarNode("Statement"), out var statements)) continue;
            foreach (var statement in ((YamlSequenceNode)statements).Cast<YamlMappingNode>())
            {
                Assert.Equal("Allow", ((YamlScalarNode)statement["Effect"]).Value);
                foreach (var action in ((YamlSequenceNode)statement["Action"]).Cast<YamlScalarNode>()) yield return action.Value!;
            }
        }
    }
}
