using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nob.Core.Workflow;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

public partial class TemplateTests
{
    [GeneratedRegex(@"\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Placeholder();

    static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    [Fact]
    public void StateMachines_EveryPlaceholderHasASubstitutionAndEverySubstitutionIsUsed()
    {
        var machines = Repo.ResourcesOfType("AWS::Serverless::StateMachine").ToList();
        Assert.NotEmpty(machines);
        foreach (var (name, properties) in machines)
        {
            var definition = File.ReadAllText(Repo.PathOf(Scalar(properties["DefinitionUri"]).Split('/')));
            var used = Placeholder().Matches(definition).Select(m => m.Groups[1].Value).ToHashSet();
            var substitutions = ((YamlMappingNode)properties["DefinitionSubstitutions"]).Children.Keys.Select(Scalar).ToHashSet();
            Assert.True(used.SetEquals(substitutions), $"{name}: used {string.Join(",", used.Order())} but substitutes {string.Join(",", substitutions.Order())}");
        }
    }

    const string LambdaInvoke = "arn:aws:states:::lambda:invoke";
    const string PutEvents = "arn:aws:states:::events:putEvents";
    const string StartExecutionSync = "arn:aws:states:::states:startExecution.sync:2";

    [Fact]
    public void StateMachines_EveryArnComesFromASubstitution()
    {
        foreach (var file in Repo.StateMachineFiles())
        {
            foreach (var (name, state) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Task"))
            {
                var resource = (string?)state["Resource"];
                switch (resource)
                {
                    case LambdaInvoke:
                        Assert.Matches(@"^\$\{[A-Za-z]+FunctionArn\}$", (string?)state["Parameters"]!["FunctionName"]);
                        break;
                    case PutEvents:
                        foreach (var entry in state["Parameters"]!["Entries"]!.AsArray())
                        {
                            Assert.Equal("${EventBusArn}", (string?)entry!["EventBusName"]);
                            Assert.Equal("nob", (string?)entry["Source"]);
                        }
                        break;
                    case StartExecutionSync:
                        Assert.Matches(@"^\$\{[A-Za-z]+StateMachineArn\}$", (string?)state["Parameters"]!["StateMachineArn"]);
                        break;
                    default:
                        Assert.Fail($"{Path.GetFileName(file)} {name}: resource {resource} is not one the workflow uses (lambda:invoke, events:putEvents, states:startExecution.sync:2)");
                        break;
                }
                var parameters = state["Parameters"]!.ToJsonString();
                Assert.DoesNotContain("arn:aws:", parameters, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void StateMachines_StateMachineAndEventBusSubstitutionsReferToThisTemplate()
    {
        var machines = Repo.ResourcesOfType("AWS::Serverless::StateMachine").Select(m => m.Name).ToHashSet();
        foreach (var (name, properties) in Repo.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            foreach (var (key, value) in ((YamlMappingNode)properties["DefinitionSubstitutions"]).Children)
            {
                var scalar = (YamlScalarNode)value;
                if (Scalar(key).EndsWith("StateMachineArn", StringComparison.Ordinal))
                {
                    Assert.Equal("!Ref", scalar.Tag.Value);
                    Assert.Contains(scalar.Value!, machines);
                    Assert.NotEqual(name, scalar.Value);
                }
                else if (Scalar(key) == "EventBusArn")
                {
                    Assert.Equal("!Sub", scalar.Tag.Value);
                    Assert.EndsWith(":event-bus/default", scalar.Value, StringComparison.Ordinal);
                }
                else
                {
                    Assert.Equal("!GetAtt", scalar.Tag.Value);
                    Assert.EndsWith("Function.Arn", scalar.Value, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void StateMachines_EveryTaskRetriesTransientErrorsWithBackoffAndFullJitter()
    {
        var transient = new Dictionary<string, string[]>
        {
            [LambdaInvoke] = ["Lambda.ServiceException", "Lambda.ClientExecutionTimeoutException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
            [PutEvents] = ["EventBridge.FailedEntry", "EventBridge.AmazonEventBridgeException", "EventBridge.SdkClientException"],
            [StartExecutionSync] = ["StepFunctions.ExecutionLimitExceededException", "StepFunctions.SdkClientException"],
        };
        foreach (var file in Repo.StateMachineFiles())
        {
            foreach (var (name, state) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Task"))
            {
                var errors = transient[(string)state["Resource"]!];
                var retriers = state["Retry"]!.AsArray();
                var retrier = retriers.SingleOrDefault(r => r!["ErrorEquals"]!.AsArray().Any(e => (string?)e == errors[0]));
                Assert.True(retrier is not null, $"{name} does not retry {errors[0]}");
                foreach (var error in errors) Assert.Contains(error, retrier!["ErrorEquals"]!.AsArray().Select(e => (string?)e));
                Assert.Equal("FULL", (string?)retrier!["JitterStrategy"]);
                Assert.True((double)retrier["BackoffRate"]! >= 2);
                Assert.NotNull(retrier["MaxDelaySeconds"]);
                // A child build that failed is a result to report, never a reason to start it again.
                Assert.DoesNotContain(retriers, r => r!["ErrorEquals"]!.AsArray().Any(e => (string?)e is "States.ALL" or "States.TaskFailed"));
            }
        }
    }

    [Fact]
    public void StateMachines_EveryLambdaTaskRetriesAwsThrottlingAndUnavailabilityWithBackoff()
    {
        // What outlasts the SDK's retries in an adapter (TransientFaults): EC2, SSM and Amazon MQ throttling, 5xx and resets.
        string[] named = [nameof(Nob.Aws.Adapters.AwsThrottlingException), nameof(Nob.Aws.Adapters.AwsServiceUnavailableException)];
        var tasks = 0;
        foreach (var file in Repo.StateMachineFiles())
        {
            foreach (var (name, state) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Task" && (string?)s.State["Resource"] == LambdaInvoke))
            {
                tasks++;
                var retriers = state["Retry"]!.AsArray();
                foreach (var error in named)
                {
                    var retrier = retriers.SingleOrDefault(r => r!["ErrorEquals"]!.AsArray().Any(e => (string?)e == error));
                    Assert.True(retrier is not null, $"{Path.GetFileName(file)} {name} does not retry {error}");
                    Assert.Equal("FULL", (string?)retrier!["JitterStrategy"]);
                    Assert.True((double)retrier["BackoffRate"]! >= 2, $"{name}: {error} without exponential backoff");
                    Assert.True((int)retrier["IntervalSeconds"]! >= 1 && (int)retrier["MaxAttempts"]! >= 3, $"{name}: {error} retried too little");
                    Assert.NotNull(retrier["MaxDelaySeconds"]);
                }
            }
        }
        Assert.True(tasks >= 20, $"only {tasks} Lambda tasks found");
    }

    [Fact]
    public void StateMachines_PasswordParameterMissingIsCaughtByNameWhereverTheBuildCatchesItsNamedErrors()
    {
        var asl = Repo.Asl(Repo.StateMachineFiles().Single(f => f.EndsWith("build-network.asl.json", StringComparison.Ordinal)));
        var named = Repo.AllStates(asl).Where(s => s.State["Catch"] is not null)
            .Select(s => (s.Name, First: s.State["Catch"]!.AsArray()[0]!["ErrorEquals"]!.AsArray().Select(e => (string)e!).ToList()))
            .Where(c => c.First.Contains("BrokerNotUsableException"))
            .ToList();
        Assert.NotEmpty(named);
        foreach (var (name, errors) in named) Assert.True(errors.Contains(nameof(Nob.Core.Workflow.PasswordParameterMissingException)), $"{name} does not catch PasswordParameterMissingException by name");
    }

    [Fact]
    public void StateMachines_EveryNamedErrorIsAnExceptionTypeOfOurCode()
    {
        var ours = new[] { typeof(ValidateFunction).Assembly, typeof(Nob.Core.Specs.SpecReader).Assembly, typeof(Nob.Aws.Mq.AmazonMqException).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .Select(t => t.Name)
            .ToHashSet();
        foreach (var file in Repo.StateMachineFiles())
        {
            foreach (var (name, state) in Repo.AllStates(Repo.Asl(file)))
            {
                var names = (state["Retry"]?.AsArray() ?? []).Concat(state["Catch"]?.AsArray() ?? [])
                    .SelectMany(r => r!["ErrorEquals"]!.AsArray().Select(e => (string)e!))
                    .Where(e => !new[] { "States.", "Lambda.", "EventBridge.", "StepFunctions." }.Any(prefix => e.StartsWith(prefix, StringComparison.Ordinal)));
                foreach (var error in names) Assert.True(ours.Contains(error), $"{Path.GetFileName(file)} {name}: {error} is not an exception type of ours");
            }
        }
    }

    [Fact]
    public void StateMachines_EveryWaitLoopIsBoundedByAStepThatCountsPolls()
    {
        foreach (var file in Repo.StateMachineFiles())
        {
            var states = Repo.AllStates(Repo.Asl(file)).ToDictionary(s => s.Name, s => s.State);
            foreach (var (name, wait) in states.Where(s => (string?)s.Value["Type"] == "Wait"))
            {
                // The Wait leads to a Task that counts polls and throws (BrokerWaitTimedOutException, TeardownTimedOutException)
                // after maxPolls or the timeout: each gets the whole status the last turn returned (poll, and the polling plan
                // with its maxPolls and timeout), and the Wait sleeps what the turn asked for.
                var next = states[(string)wait["Next"]!];
                Assert.Equal("Task", (string?)next["Type"]);
                var function = (string?)next["Parameters"]!["FunctionName"];
                // The build's stages count each broker's polls in the waits they carry from turn to turn.
                Assert.Contains(function, new[] { "${BrokerStateFunctionArn}", "${RebootBrokerFunctionArn}", "${TeardownBrokerFunctionArn}" });
                var seconds = (string?)wait["SecondsPath"];
                Assert.NotNull(seconds);
                if (function == "${BrokerStateFunctionArn}")
                {
                    Assert.Equal("$.wait.value", (string?)next["Parameters"]!["Payload.$"]);
                    Assert.Equal("$.wait.value.nextWaitSeconds", seconds);
                }
                else if (function == "${RebootBrokerFunctionArn}")
                {
                    Assert.Equal("$.reboot.value.waits", (string?)next["Parameters"]!["Payload"]!["waits.$"]);
                    Assert.Equal("$.network.value.polling", (string?)next["Parameters"]!["Payload"]!["polling.$"]);
                    Assert.Equal("$.reboot", (string?)next["ResultPath"]);
                    Assert.Equal("$.reboot.value.nextWaitSeconds", seconds);
                }
                else
                {
                    Assert.Equal("$", (string?)next["Parameters"]!["Payload.$"]);
                    Assert.Equal("$.nextWaitSeconds", seconds);
                    Assert.Equal("$.Payload", (string?)next["OutputPath"]);
                }
            }
        }
    }

    [Fact]
    public void StateMachines_MapsHaveBoundedConcurrency()
    {
        foreach (var file in Repo.StateMachineFiles())
            foreach (var (name, map) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Map"))
            {
                // Bounded by Amazon MQ's API rate (about 15 requests/s per account), not by Step Functions. The build's
                // Maps each run one quick task per broker (EnsureBroker, WriteConnectorRevision) with no waiting inside, and
                // start every broker of the largest network at once (a creation must not wait for another's 15 minutes):
                // exactly MaxBrokersPerNetwork, their burst relying on the throttling retries. Every other Map: at most 25.
                var concurrency = (int?)map["MaxConcurrency"];
                Assert.Null(map["MaxConcurrencyPath"]);
                if (file.EndsWith("build-network.asl.json", StringComparison.Ordinal))
                {
                    Assert.Equal((name, Nob.Core.Specs.SpecReader.MaxBrokersPerNetwork), (name, concurrency));
                    var inner = Assert.Single(map["ItemProcessor"]!["States"]!.AsObject());
                    Assert.Equal((name, "Task", true), (name, (string?)inner.Value!["Type"], (bool?)inner.Value["End"]));
                    continue;
                }
                Assert.True(concurrency is > 0 and <= 25, $"{name}: MaxConcurrency {concurrency}");
            }
    }

    [Fact]
    public void TeardownMap_RunsAsManyBrokersAtOnceAsPlanTeardownsRateBoundAssumes_WithThePlansPolling()
    {
        var file = Repo.StateMachineFiles().Single(f => Path.GetFileName(f) == "teardown-network.asl.json");
        var map = Repo.AllStates(Repo.Asl(file)).Single(s => s.Name == "TeardownBrokers").State;

        Assert.Equal(Nob.Core.Lifecycle.PlanTeardownStep.TeardownConcurrency, (int?)map["MaxConcurrency"]);
        Assert.Equal("$.teardown.value.polling", (string?)map["ItemSelector"]!["polling.$"]);
        Assert.Equal(0, (int?)map["ItemSelector"]!["poll"]);
    }

    [Fact]
    public void StateMachines_AslValidatorAcceptsEveryDefinition()
    {
        var validator = Repo.PathOf("tools", "node_modules", ".bin", "asl-validator");
        Assert.True(File.Exists(validator), $"asl-validator is not installed; run: (cd {Repo.PathOf("tools")} && npm ci)");
        foreach (var file in Repo.StateMachineFiles())
        {
            var start = new ProcessStartInfo(validator) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("--json-path");
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"asl-validator rejected {file}:\n{output}");
        }
    }

    [Fact]
    public void Functions_EveryHandlerResolvesToAMethodTheDotnet10RuntimeAccepts()
    {
        var functions = Repo.ResourcesOfType("AWS::Serverless::Function").ToList();
        Assert.NotEmpty(functions);
        foreach (var (name, properties) in functions)
        {
            var parts = Scalar(properties["Handler"]).Split("::");
            Assert.Equal(3, parts.Length);
            var assembly = Assembly.Load(parts[0]);
            var type = assembly.GetType(parts[1]);
            Assert.True(type is { IsPublic: true, IsAbstract: false, IsGenericTypeDefinition: false }, $"{name}: {parts[1]} is not a public concrete class");
            Assert.NotNull(type!.GetConstructor(Type.EmptyTypes));
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.Name == parts[2]).ToList();
            var method = Assert.Single(methods);
            Assert.False(method.IsGenericMethodDefinition, $"{name}: generic handler");
            var parameters = method.GetParameters();
            Assert.True(parameters.Length is 1 or 2 && parameters[0].ParameterType == typeof(Stream), $"{name}: the first parameter must be a Stream");
            if (parameters.Length == 2) Assert.Equal("ILambdaContext", parameters[1].ParameterType.Name);
            Assert.True(method.ReturnType == typeof(Stream) || method.ReturnType == typeof(Task<Stream>), $"{name}: returns {method.ReturnType}; expected Stream or Task<Stream>");
        }
    }

    [Fact]
    public void Functions_EveryFunctionIsUsedByAStateMachineOrTheApi()
    {
        var functions = Repo.ResourcesOfType("AWS::Serverless::Function").Select(f => f.Name).ToHashSet();
        var referenced = Repo.ResourcesOfType("AWS::Serverless::StateMachine")
            .SelectMany(m => ((YamlMappingNode)m.Properties["DefinitionSubstitutions"]).Children.Values)
            .Where(v => v.Tag.Value == "!GetAtt")
            .Select(v => Scalar(v).Split('.')[0])
            .Concat(ApiIntegrations().Where(i => i.Type == "aws_proxy").Select(i => LambdaOfUri(i.Uri)))
            .ToHashSet();
        Assert.True(functions.SetEquals(referenced), $"functions {string.Join(",", functions.Order())}; referenced {string.Join(",", referenced.Order())}");
    }

    [GeneratedRegex(@"\$\{([A-Za-z]+)\.Arn\}/invocations$")]
    private static partial Regex LambdaInvocationUri();

    static string LambdaOfUri(string uri) => LambdaInvocationUri().Match(uri) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"not a Lambda invocation URI: {uri}");

    /// <summary>Every method of the networks API: path, method, integration type and URI, and the method itself.</summary>
    static IEnumerable<(string Path, string Method, string Type, string Uri, YamlMappingNode Node)> ApiIntegrations()
    {
        var api = Repo.ResourcesOfType("AWS::Serverless::Api").Single().Properties;
        var paths = (YamlMappingNode)((YamlMappingNode)api["DefinitionBody"])["paths"];
        foreach (var (path, node) in paths.Children)
        {
            foreach (var (method, operation) in ((YamlMappingNode)node).Children.Where(m => Scalar(m.Key) != "parameters"))
            {
                var integration = (YamlMappingNode)((YamlMappingNode)operation)["x-amazon-apigateway-integration"];
                yield return (Scalar(path), Scalar(method), Scalar(integration["type"]), Scalar(integration["uri"]), (YamlMappingNode)operation);
            }
        }
    }

    [Fact]
    public void Api_RoutesAreTheFiveOfTheNetworksApiAndEveryMethodNeedsIam()
    {
        var routes = ApiIntegrations().Select(i => $"{i.Method.ToUpperInvariant()} {i.Path}").Order().ToList();
        Assert.Equal(["DELETE /networks/{name}", "GET /networks/{name}", "GET /networks/{name}/executions/{executionName}", "POST /networks", "POST /networks/{name}/drift-checks"], routes);
        var body = (YamlMappingNode)Repo.ResourcesOfType("AWS::Serverless::Api").Single().Properties["DefinitionBody"];
        var scheme = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)body["components"])["securitySchemes"])["sigv4"];
        Assert.Equal("awsSigv4", Scalar(scheme["x-amazon-apigateway-authtype"]));
        foreach (var (path, method, _, _, node) in ApiIntegrations())
        {
            var security = (YamlSequenceNode)node["security"];
            Assert.True(((YamlMappingNode)security.Single()).Children.ContainsKey(new YamlScalarNode("sigv4")), $"{method} {path} does not require IAM (SigV4)");
        }
    }

    /// <summary>
    /// Every route is the API function (one code path for the idempotent starts); it may start only the stack's three
    /// state machines and describe only their executions, and the environment names the same three.
    /// </summary>
    [Fact]
    public void Api_EveryRouteIsTheApiFunctionWhichMayStartAndDescribeOnlyTheStacksStateMachines()
    {
        foreach (var (path, method, type, uri, node) in ApiIntegrations())
        {
            Assert.True(type == "aws_proxy", $"{method} {path} is a {type} integration; every route goes to ApiFunction");
            Assert.Equal("ApiFunction", LambdaOfUri(uri));
            Assert.False(((YamlMappingNode)node["x-amazon-apigateway-integration"]).Children.ContainsKey(new YamlScalarNode("requestTemplates")), $"{method} {path} has a mapping template");
        }
        Assert.DoesNotContain(Repo.ResourcesOfType("AWS::IAM::Role"), r => r.Name == "ApiStartExecutionRole");

        string[] machines = ["BuildNetworkStateMachine", "CheckDriftStateMachine", "TeardownNetworkStateMachine"];
        var function = Repo.ResourcesOfType("AWS::Serverless::Function").Single(f => f.Name == "ApiFunction").Properties;
        var variables = (YamlMappingNode)((YamlMappingNode)function["Environment"])["Variables"];
        Assert.Equal(machines, variables.Children.Values.Where(v => v.Tag.Value == "!Ref").Select(Scalar).Order());
        var statements = ((YamlSequenceNode)function["Policies"]).OfType<YamlMappingNode>()
            .SelectMany(p => ((YamlSequenceNode)p["Statement"]).Cast<YamlMappingNode>()).ToList();
        IEnumerable<string> ResourcesOf(string action) => statements.Where(s => ((YamlSequenceNode)s["Action"]).Select(Scalar).Contains(action))
            .SelectMany(s => s["Resource"] is YamlSequenceNode list ? list.Select(Scalar) : [Scalar(s["Resource"])]);
        Assert.Equal(machines, ResourcesOf("states:StartExecution").Order());
        Assert.Equal(["BuildNetworkStateMachine"], ResourcesOf("states:ListExecutions"));
        var described = ResourcesOf("states:DescribeExecution").ToList();
        Assert.Equal(3, described.Count);
        foreach (var machine in machines)
            Assert.Contains(described, r => r.EndsWith($":execution:${{{machine}.Name}}:*", StringComparison.Ordinal));
    }

    [Fact]
    public void Schedule_StartsTheDriftCheckForEveryNetworkAtTheParameterRateWhenEnabled()
    {
        var schedule = Repo.ResourcesOfType("AWS::Scheduler::Schedule").Single().Properties;
        Assert.Equal("DriftCheckRate", Scalar(schedule["ScheduleExpression"]));
        Assert.Equal("!If", schedule["State"].Tag.Value);
        Assert.Equal("DriftChecksEnabled", Scalar(((YamlSequenceNode)schedule["State"])[0]));
        var target = (YamlMappingNode)schedule["Target"];
        Assert.Equal("CheckDriftStateMachine", Scalar(target["Arn"]));
        // No networkName in the input: the check covers every stored network.
        Assert.DoesNotContain("networkName", Scalar(target["Input"]), StringComparison.Ordinal);
        Assert.Contains("${DriftCheckVerify}", Scalar(target["Input"]), StringComparison.Ordinal);
        Assert.Contains("${DriftCheckRepair}", Scalar(target["Input"]), StringComparison.Ordinal);
        var parameters = (YamlMappingNode)Repo.Template()["Parameters"];
        foreach (var name in new[] { "DriftCheckRate", "DriftCheckScheduleEnabled", "DriftCheckVerify", "DriftCheckRepair" })
            Assert.True(parameters.Children.ContainsKey(new YamlScalarNode(name)), $"parameter {name} is missing");
    }

    [Fact]
    public void CheckDrift_MayStartOnlyBuildNetworkAndPutEventsOnlyOnTheDefaultBus()
    {
        var properties = Repo.ResourcesOfType("AWS::Serverless::StateMachine").Single(m => m.Name == "CheckDriftStateMachine").Properties;
        var statements = ((YamlSequenceNode)properties["Policies"]).OfType<YamlMappingNode>()
            .Where(p => p.Children.ContainsKey(new YamlScalarNode("Statement")))
            .SelectMany(p => ((YamlSequenceNode)p["Statement"]).Cast<YamlMappingNode>()).ToList();
        string ResourceOf(string action) => Scalar(statements.Single(s => ((YamlSequenceNode)s["Action"]).Select(Scalar).Contains(action))["Resource"]);
        Assert.Equal("BuildNetworkStateMachine", ResourceOf("states:StartExecution"));
        Assert.EndsWith(":event-bus/default", ResourceOf("events:PutEvents"), StringComparison.Ordinal);
        Assert.Contains("execution:${BuildNetworkStateMachine.Name}:*", ResourceOf("states:DescribeExecution"), StringComparison.Ordinal);
    }

    [Fact]
    public void Template_RuntimeIsDotnet10OnArm64WithJsonLogsAndTracing()
    {
        var globals = (YamlMappingNode)((YamlMappingNode)Repo.Template()["Globals"])["Function"];
        Assert.Equal("dotnet10", Scalar(globals["Runtime"]));
        Assert.Equal("arm64", Scalar(((YamlSequenceNode)globals["Architectures"]).Single()));
        Assert.Equal("JSON", Scalar(((YamlMappingNode)globals["LoggingConfig"])["LogFormat"]));
        Assert.Equal("Active", Scalar(globals["Tracing"]));
    }

    [Fact]
    public void Template_StateMachinesAreStandardAndLogWithoutExecutionData()
    {
        foreach (var (name, properties) in Repo.ResourcesOfType("AWS::Serverless::StateMachine"))
        {
            Assert.Equal("STANDARD", Scalar(properties["Type"]));
            Assert.Equal("false", Scalar(((YamlMappingNode)properties["Logging"])["IncludeExecutionData"]));
        }
    }
}
