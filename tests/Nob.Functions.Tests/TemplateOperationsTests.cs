using System.Text.Json.Nodes;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.Core.Workflow;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

/// <summary>The roles' grants beyond the functions' own actions (HandlerContractTests checks those against the code).</summary>
public class TemplateLeastPrivilegeTests
{
    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;
    static YamlNode? Child(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    /// <summary>What Step Functions needs to deliver a state machine's logs (vended logs), as its developer guide lists it.</summary>
    static readonly string[] LogDeliveryActions =
    [
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ];

    [Fact]
    public void StateMachines_GrantExactlyTheLogDeliveryActions_AndNoManagedPolicyButXRay()
    {
        foreach (var (name, properties) in Repo.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            var policies = (YamlSequenceNode)properties["Policies"];
            var managed = policies.OfType<YamlScalarNode>().Select(p => p.Value!).ToList();
            Assert.True(managed.SequenceEqual(["AWSXrayWriteOnlyAccess"]), $"{name}: managed policies {string.Join(", ", managed)}");
            var statements = policies.OfType<YamlMappingNode>().Select(p => Child(p, "Statement")).OfType<YamlSequenceNode>()
                .SelectMany(s => s.Cast<YamlMappingNode>()).ToList();
            var logs = statements.Where(s => ((YamlSequenceNode)s["Action"]).Select(Scalar).Any(a => a.StartsWith("logs:", StringComparison.Ordinal))).ToList();
            var statement = Assert.Single(logs);
            Assert.Equal(LogDeliveryActions.Order(), ((YamlSequenceNode)statement["Action"]).Select(Scalar).Order());
            // These actions take no resource ARN: "*" is what Step Functions documents.
            Assert.Equal("*", Scalar(statement["Resource"]));
        }
    }

    [Fact]
    public void Functions_UseNoManagedPolicyButTheVerifiersVpcAccess()
    {
        foreach (var (name, properties) in Repo.ResourcesOfType("AWS::Serverless::Function"))
        {
            var managed = Child(properties, "Policies") is YamlSequenceNode policies ? policies.OfType<YamlScalarNode>().Select(p => p.Value!).ToList() : [];
            // The verifier runs in the brokers' VPC: Lambda needs ENI rights for that, and only for that.
            string[] expected = name == "VerifyFunction" ? ["AWSLambdaVPCAccessExecutionRole"] : [];
            Assert.True(managed.SequenceEqual(expected), $"{name}: managed policies {string.Join(", ", managed)}");
        }
    }

    [Fact]
    public void ServiceRoles_AreAssumableOnlyForThisAccount_ApiIntegrationRolesOnlyFromThisAccountsApis()
    {
        var api = (YamlMappingNode)Repo.ResourcesOfType("AWS::Serverless::Api").Single().Properties["DefinitionBody"];
        var credentials = ((YamlMappingNode)api["paths"]).Children.Values.Cast<YamlMappingNode>()
            .SelectMany(path => path.Children.Values.OfType<YamlMappingNode>())
            .Select(operation => Child(operation, "x-amazon-apigateway-integration") as YamlMappingNode)
            .Select(integration => integration is null ? null : Child(integration, "credentials") as YamlScalarNode)
            .OfType<YamlScalarNode>().Select(c => c.Value!.Split('.')[0]).ToHashSet(StringComparer.Ordinal);
        var roles = Repo.ResourcesOfType("AWS::IAM::Role").ToList();
        Assert.Contains(roles, r => r.Name == "DriftCheckScheduleRole");
        foreach (var (name, role) in roles)
        {
            foreach (var statement in ((YamlSequenceNode)((YamlMappingNode)role["AssumeRolePolicyDocument"])["Statement"]).Cast<YamlMappingNode>())
            {
                var service = Scalar(((YamlMappingNode)statement["Principal"])["Service"]);
                var condition = Child(statement, "Condition") as YamlMappingNode;
                Assert.True(condition is not null, $"{name}: any {service} caller may assume it");
                // EventBridge Scheduler documents the keys; API Gateway does not promise them, so there they hold when present.
                var op = service == "apigateway.amazonaws.com" ? "StringEqualsIfExists" : "StringEquals";
                var account = Child(condition!, op) is YamlMappingNode byOp ? Child(byOp, "aws:SourceAccount") as YamlScalarNode : null;
                Assert.True(account is { Tag.Value: "!Ref", Value: "AWS::AccountId" }, $"{name}: no {op} aws:SourceAccount = AWS::AccountId");
                if (!credentials.Contains(name)) continue;
                var source = Child(condition!, "ArnLikeIfExists") is YamlMappingNode arn ? Child(arn, "aws:SourceArn") as YamlScalarNode : null;
                Assert.Equal("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*", source?.Value);
            }
        }
    }
}

/// <summary>What an operator of the stack gets: alarms and drift events on a topic, log retention, the schedule's dead letters, the API's guards, execution timeouts.</summary>
public class TemplateOperationsTests
{
    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;
    static YamlNode? Child(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
    static YamlMappingNode Resource(string name) => (YamlMappingNode)Repo.Resources()[name];
    static YamlMappingNode Properties(string name) => (YamlMappingNode)Resource(name)["Properties"];
    static bool IsRef(YamlNode node, string target) => node is YamlScalarNode { Tag.Value: "!Ref" } s && s.Value == target;
    static YamlMappingNode Parameter(string name) => (YamlMappingNode)((YamlMappingNode)Repo.Template()["Parameters"])[name];

    [Fact]
    public void Alarms_EveryStateMachineAlarmsOnFailedAndTimedOutExecutionsToTheTopic_BuildAndTeardownAlsoOnStopped()
    {
        var alarms = Repo.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Properties).ToList();
        foreach (var (machine, _) in Repo.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            var metrics = alarms.Where(a => Scalar(a["Namespace"]) == "AWS/States"
                    && ((YamlSequenceNode)a["Dimensions"]).Cast<YamlMappingNode>().Any(d => Scalar(d["Name"]) == "StateMachineArn" && IsRef(d["Value"], machine)))
                .ToList();
            foreach (var alarm in metrics)
            {
                // One failed execution is enough; no data (nothing ran) is not an alarm.
                Assert.Equal(("Sum", "1", "GreaterThanOrEqualToThreshold", "notBreaching"),
                    (Scalar(alarm["Statistic"]), Scalar(alarm["Threshold"]), Scalar(alarm["ComparisonOperator"]), Scalar(alarm["TreatMissingData"])));
                Assert.Contains(((YamlSequenceNode)alarm["AlarmActions"]).Children, a => IsRef(a, "AlarmTopic"));
            }
            string[] expected = machine == "CheckDriftStateMachine"
                ? ["ExecutionsFailed", "ExecutionsTimedOut"]
                : ["ExecutionsAborted", "ExecutionsFailed", "ExecutionsTimedOut"];
            Assert.Equal(expected, metrics.Select(a => Scalar(a["MetricName"])).Order());
        }
    }

    [Fact]
    public void AlarmTopic_MailsTheAddressOnlyWhenOneIsGiven_AndAcceptsAlarmsAndTheDriftRule()
    {
        Assert.Equal("", Scalar(Parameter("AlarmEmail")["Default"]));
        var condition = (YamlSequenceNode)((YamlMappingNode)Repo.Template()["Conditions"])["HasAlarmEmail"];
        Assert.Equal("!Not", condition.Tag.Value);
        var equals = (YamlSequenceNode)condition.Single();
        Assert.True(IsRef(equals[0], "AlarmEmail") && Scalar(equals[1]) == "");
        var subscription = Resource("AlarmEmailSubscription");
        Assert.Equal("HasAlarmEmail", Scalar(subscription["Condition"]));
        Assert.Equal("email", Scalar(Properties("AlarmEmailSubscription")["Protocol"]));
        Assert.True(IsRef(Properties("AlarmEmailSubscription")["Endpoint"], "AlarmEmail"));

        var policy = (YamlMappingNode)Properties("AlarmTopicPolicy")["PolicyDocument"];
        var statements = ((YamlSequenceNode)policy["Statement"]).Cast<YamlMappingNode>().ToDictionary(s => Scalar(((YamlMappingNode)s["Principal"])["Service"]));
        Assert.Equal(["cloudwatch.amazonaws.com", "events.amazonaws.com"], statements.Keys.Order());
        foreach (var statement in statements.Values)
        {
            Assert.Equal("sns:Publish", Scalar(statement["Action"]));
            Assert.True(IsRef(statement["Resource"], "AlarmTopic"));
        }
        var rule = (YamlScalarNode)((YamlMappingNode)((YamlMappingNode)statements["events.amazonaws.com"]["Condition"])["ArnEquals"])["aws:SourceArn"];
        Assert.Equal(("!GetAtt", "DriftEventsRule.Arn"), (rule.Tag.Value, rule.Value));
        var alarms = (YamlMappingNode)statements["cloudwatch.amazonaws.com"]["Condition"];
        Assert.EndsWith(":alarm:*", Scalar(((YamlMappingNode)alarms["ArnLike"])["aws:SourceArn"]), StringComparison.Ordinal);
    }

    [Fact]
    public void DriftEventsRule_SendsEveryDetailTypeTheCheckPublishesButInSync_ToTheTopic()
    {
        var published = new HashSet<string>(StringComparer.Ordinal) { DriftReport.DriftDetailType, DriftReport.InSyncDetailType };
        var sources = new HashSet<string>(StringComparer.Ordinal);
        var asl = Repo.Asl(Repo.StateMachineFiles().Single(f => f.EndsWith("check-drift.asl.json", StringComparison.Ordinal)));
        foreach (var (_, state) in Repo.AllStates(asl).Where(s => (string?)s.State["Resource"] == "arn:aws:states:::events:putEvents"))
        {
            foreach (var entry in state["Parameters"]!["Entries"]!.AsArray().OfType<JsonObject>())
            {
                sources.Add((string)entry["Source"]!);
                // A literal detail-type, or the report's (DriftReport: drift detected or in sync).
                if (entry["DetailType"] is { } literal) published.Add((string)literal!);
                else Assert.Equal("$.report.value.detailType", (string?)entry["DetailType.$"]);
            }
        }
        var properties = Properties("DriftEventsRule");
        var pattern = (YamlMappingNode)properties["EventPattern"];
        Assert.Equal(sources.Order(), ((YamlSequenceNode)pattern["source"]).Select(Scalar).Order());
        published.Remove(DriftReport.InSyncDetailType);
        Assert.Equal(published.Order(), ((YamlSequenceNode)pattern["detail-type"]).Select(Scalar).Order());
        Assert.Null(Child(properties, "EventBusName"));
        var target = (YamlMappingNode)((YamlSequenceNode)properties["Targets"]).Single();
        Assert.True(IsRef(target["Arn"], "AlarmTopic"));
    }

    [Fact]
    public void Schedule_SendsWhatItCannotStartToADeadLetterQueueItsRoleMayWrite_WithAnAlarmOnTheQueue()
    {
        var target = (YamlMappingNode)Repo.ResourcesOfType("AWS::Scheduler::Schedule").Single().Properties["Target"];
        var dlq = (YamlScalarNode)((YamlMappingNode)target["DeadLetterConfig"])["Arn"];
        Assert.Equal(("!GetAtt", "DriftCheckDeadLetterQueue.Arn"), (dlq.Tag.Value, dlq.Value));
        var retry = (YamlMappingNode)target["RetryPolicy"];
        Assert.True(int.Parse(Scalar(retry["MaximumRetryAttempts"]), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.NotNull(Child(retry, "MaximumEventAgeInSeconds"));

        var role = Properties("DriftCheckScheduleRole");
        var statements = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)role["Policies"]).Single())["PolicyDocument"])["Statement"]).Cast<YamlMappingNode>();
        var send = Assert.Single(statements, s => ((YamlSequenceNode)s["Action"]).Select(Scalar).Contains("sqs:SendMessage"));
        Assert.Equal("DriftCheckDeadLetterQueue.Arn", Scalar(send["Resource"]));

        var alarm = Repo.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Properties)
            .Single(a => Scalar(a["Namespace"]) == "AWS/SQS");
        Assert.Equal("ApproximateNumberOfMessagesVisible", Scalar(alarm["MetricName"]));
        var queue = (YamlScalarNode)((YamlMappingNode)((YamlSequenceNode)alarm["Dimensions"]).Single())["Value"];
        Assert.Equal(("!GetAtt", "DriftCheckDeadLetterQueue.QueueName"), (queue.Tag.Value, queue.Value));
        Assert.Contains(((YamlSequenceNode)alarm["AlarmActions"]).Children, a => IsRef(a, "AlarmTopic"));
    }

    [Fact]
    public void LogGroups_EveryFunctionLogsToAGroupOfItsOwn_AndEveryGroupExpiresAfterTheRetentionParameter()
    {
        var groups = Repo.ResourcesOfType("AWS::Logs::LogGroup").ToDictionary(g => g.Name, g => g.Properties);
        Assert.All(groups, g => Assert.True(IsRef(g.Value["RetentionInDays"], "LogRetentionDays"), $"{g.Key} keeps its logs for ever"));
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (function, properties) in Repo.ResourcesOfType("AWS::Serverless::Function"))
        {
            var group = Child(properties, "LoggingConfig") is YamlMappingNode logging ? Child(logging, "LogGroup") as YamlScalarNode : null;
            Assert.True(group is { Tag.Value: "!Ref" } && groups.ContainsKey(group.Value!), $"{function} logs to Lambda's default group, which never expires and stays after sam delete");
            Assert.True(used.Add(group!.Value!), $"{function} shares {group.Value}");
            Assert.StartsWith("/aws/lambda/${AWS::StackName}-", Scalar(groups[group.Value!]["LogGroupName"]), StringComparison.Ordinal);
        }
        foreach (var (machine, properties) in Repo.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            var destination = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)properties["Logging"])["Destinations"]).Single();
            var arn = Scalar(((YamlMappingNode)destination["CloudWatchLogsLogGroup"])["LogGroupArn"]);
            Assert.True(groups.ContainsKey(arn.Replace(".Arn", "", StringComparison.Ordinal)), $"{machine} logs to {arn}");
        }
        var retention = Parameter("LogRetentionDays");
        Assert.Contains(Scalar(retention["Default"]), ((YamlSequenceNode)retention["AllowedValues"]).Select(Scalar));
    }

    [Fact]
    public void Api_LogsEveryRequest_ThrottlesFromTheParameters_ValidatesRequests_AndHasOnlyItsStage()
    {
        var api = Repo.ResourcesOfType("AWS::Serverless::Api").Single().Properties;
        var access = (YamlSequenceNode)api["AccessLogSetting"];
        Assert.Equal(("!If", "ApiAccessLogsOn"), (access.Tag.Value, Scalar(access[0])));
        var setting = (YamlMappingNode)access[1];
        Assert.Equal("NetworksApiAccessLogGroup.Arn", Scalar(setting["DestinationArn"]));
        // API Gateway requires $context.requestId in an access log format.
        Assert.Contains("$context.requestId", Scalar(setting["Format"]), StringComparison.Ordinal);
        Assert.True(IsRef(access[2], "AWS::NoValue"));
        // With the account's CloudWatch role made by the stack, the stage waits for it.
        var variable = (YamlSequenceNode)((YamlMappingNode)api["Variables"])["cloudWatchRole"];
        Assert.Equal("CreateApiGatewayCloudWatchRole", Scalar(variable[0]));
        Assert.True(IsRef(variable[1], "ApiGatewayAccount"));
        Assert.Equal("CreateApiGatewayCloudWatchRole", Scalar(Resource("ApiGatewayAccount")["Condition"]));
        Assert.Equal("Retain", Scalar(Resource("ApiGatewayAccount")["DeletionPolicy"]));

        var throttling = (YamlMappingNode)((YamlSequenceNode)api["MethodSettings"]).Single();
        Assert.Equal(("/*", "*"), (Scalar(throttling["ResourcePath"]), Scalar(throttling["HttpMethod"])));
        Assert.True(IsRef(throttling["ThrottlingRateLimit"], "ApiThrottlingRateLimit") && IsRef(throttling["ThrottlingBurstLimit"], "ApiThrottlingBurstLimit"));

        var body = (YamlMappingNode)api["DefinitionBody"];
        var name = Scalar(body["x-amazon-apigateway-request-validator"]);
        var validator = (YamlMappingNode)((YamlMappingNode)body["x-amazon-apigateway-request-validators"])[name];
        Assert.Equal(("true", "true"), (Scalar(validator["validateRequestBody"]), Scalar(validator["validateRequestParameters"])));

        // The body validator acts where a model is declared: POST /networks declares the spec's outline, whose
        // required members are the spec schema's.
        var post = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)body["paths"])["/networks"])["post"];
        var requestBody = (YamlMappingNode)post["requestBody"];
        Assert.Equal("true", Scalar(requestBody["required"]));
        var reference = Scalar(((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)requestBody["content"])["application/json"])["schema"])["$ref"]);
        Assert.Equal("#/components/schemas/NetworkSpecBody", reference);
        var model = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)body["components"])["schemas"])["NetworkSpecBody"];
        Assert.Equal("object", Scalar(model["type"]));
        using var specSchema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repo.PathOf("schema", "network-spec.schema.json")));
        Assert.Equal(specSchema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal),
            ((YamlSequenceNode)model["required"]).Select(Scalar).Order(StringComparer.Ordinal));

        // Without OpenApiVersion SAM adds a stage named "Stage" beside StageName.
        var globals = (YamlMappingNode)((YamlMappingNode)Repo.Template()["Globals"])["Api"];
        Assert.Equal("3.0.1", Scalar(globals["OpenApiVersion"]));
    }

    /// <summary>
    /// How many polling.timeoutMinutes one pass through each wait loop (named by its Wait state) can take. A loop inside a
    /// Map over brokers counts once per wave of the Map.
    /// </summary>
    static readonly Dictionary<string, int> TimeoutsPerWaitLoop = new(StringComparer.Ordinal)
    {
        // A broker's creation, and per recreation of a CREATION_FAILED broker its deletion and its next creation.
        ["CreationWait"] = 1 + 2 * BrokerRecreation.MaxRecreations,
        ["WaitForBrokers"] = 1 + 2 * BrokerRecreation.MaxRecreations,
        // A broker's reboot; every broker's reboot when they reboot in rolling waves of a live network.
        ["RebootWait"] = 1,
        ["WaitForReboots"] = (int)Math.Ceiling((double)SpecReader.MaxBrokersPerNetwork / Math.Min(RebootConcurrency.NewNetwork, RebootConcurrency.LiveNetwork)),
        // A broker's whole teardown times out from its first turn.
        ["TeardownWait"] = 1,
    };

    [Fact]
    public void StateMachines_TimeoutSeconds_ExceedsTheWorstCaseOfTheirBoundedLoopsAndRetries()
    {
        var timeouts = new Dictionary<string, long>(StringComparer.Ordinal);
        // build-network first: check-drift's repair runs it.
        foreach (var machine in new[] { "BuildNetworkStateMachine", "TeardownNetworkStateMachine", "CheckDriftStateMachine" })
        {
            var properties = Properties(machine);
            var asl = Repo.Asl(Repo.PathOf(Scalar(properties["DefinitionUri"]).Split('/')));
            var timeout = (long?)asl["TimeoutSeconds"];
            Assert.True(timeout is not null, $"{machine} has no TimeoutSeconds: a stuck execution would run for a year");
            var substitutions = (YamlMappingNode)properties["DefinitionSubstitutions"];
            var worst = WorstCaseSeconds(asl, 1, substitutions, timeouts);
            Assert.True(timeout > worst, $"{machine}: TimeoutSeconds {timeout} is not above the worst case {worst} s");
            timeouts[machine] = timeout!.Value;
        }
        // What no TimeoutSeconds covers: more than one wave (CheckNetworks' MaxConcurrency) of networks that each need a
        // worst-case repair. Every repair still ends within build-network's own TimeoutSeconds.
    }

    static readonly long PollTimeout = SpecReader.MaxPollingTimeoutMinutes * 60L;

    static long WorstCaseSeconds(JsonObject block, int times, YamlMappingNode substitutions, Dictionary<string, long> machines)
    {
        long total = 0;
        foreach (var (name, node) in block["States"]!.AsObject())
        {
            var state = node!.AsObject();
            switch ((string?)state["Type"])
            {
                case "Task":
                    total += times * TaskSeconds(state, substitutions, machines);
                    break;
                case "Wait":
                    Assert.True(TimeoutsPerWaitLoop.TryGetValue(name, out var timeouts), $"{name} waits in a loop this test does not know: give its bound");
                    // Each polling timeout ends the phase, plus at most one wait past it.
                    total += times * timeouts * (PollTimeout + SpecReader.MaxPollingIntervalSeconds);
                    break;
                case "Map":
                    var concurrency = (int?)state["MaxConcurrency"] ?? 0;
                    // WriteRevisions may take PlanNetwork's choice: the smaller makes more waves.
                    if (state["MaxConcurrencyPath"] is not null) concurrency = Math.Min(RebootConcurrency.NewNetwork, RebootConcurrency.LiveNetwork);
                    // Over brokers, iterations run in waves; over networks (check-drift), one wave is what is bounded.
                    var waves = name == "CheckNetworks" ? 1
                        : (int)Math.Ceiling((double)SpecReader.MaxBrokersPerNetwork / (concurrency is > 0 ? concurrency : SpecReader.MaxBrokersPerNetwork));
                    total += WorstCaseSeconds(state["ItemProcessor"]!.AsObject(), times * waves, substitutions, machines);
                    break;
            }
        }
        return total;
    }

    /// <summary>Every attempt its retriers allow, each as long as the function's Lambda timeout, plus their back-off.</summary>
    static long TaskSeconds(JsonObject task, YamlMappingNode substitutions, Dictionary<string, long> machines)
    {
        const long ServiceCallSeconds = 60;
        long attempts = 1, backoff = 0;
        foreach (var retrier in task["Retry"]?.AsArray() ?? [])
        {
            var max = (int?)retrier!["MaxAttempts"] ?? 3;
            var interval = (double?)retrier["IntervalSeconds"] ?? 1;
            var rate = (double?)retrier["BackoffRate"] ?? 2;
            var cap = (double?)retrier["MaxDelaySeconds"] ?? double.MaxValue;
            attempts += max;
            for (var k = 0; k < max; k++) backoff += (long)Math.Ceiling(Math.Min(cap, interval * Math.Pow(rate, k)));
        }
        var resource = (string)task["Resource"]!;
        if (resource.StartsWith("arn:aws:states:::states:startExecution.sync", StringComparison.Ordinal))
        {
            // The child runs once (its start is what is retried), for at most its own TimeoutSeconds.
            var child = Scalar(substitutions[((string)task["Parameters"]!["StateMachineArn"]!)[2..^1]]);
            Assert.True(machines.TryGetValue(child, out var childTimeout), $"{child} must be checked before the machine that starts it");
            return childTimeout + attempts * ServiceCallSeconds + backoff;
        }
        if (resource != "arn:aws:states:::lambda:invoke") return attempts * ServiceCallSeconds + backoff;
        var function = Scalar(substitutions[((string)task["Parameters"]!["FunctionName"]!)[2..^1]]).Split('.')[0];
        var timeout = Child(Properties(function), "Timeout") ?? ((YamlMappingNode)((YamlMappingNode)Repo.Template()["Globals"])["Function"])["Timeout"];
        return attempts * long.Parse(Scalar(timeout), System.Globalization.CultureInfo.InvariantCulture) + backoff;
    }
}
