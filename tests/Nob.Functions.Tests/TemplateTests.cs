using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
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

    [Fact]
    public void StateMachines_EveryArnComesFromASubstitution()
    {
        foreach (var file in Repo.StateMachineFiles())
        {
            foreach (var (name, state) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Task"))
            {
                Assert.Equal("arn:aws:states:::lambda:invoke", (string?)state["Resource"]);
                Assert.Matches(@"^\$\{[A-Za-z]+FunctionArn\}$", (string?)state["Parameters"]!["FunctionName"]);
                Assert.DoesNotContain("arn:aws:lambda", state.ToJsonString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void StateMachines_EveryTaskRetriesTransientLambdaErrorsWithBackoffAndFullJitter()
    {
        foreach (var file in Repo.StateMachineFiles())
        {
            foreach (var (name, state) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Task"))
            {
                var retriers = state["Retry"]!.AsArray();
                var lambda = retriers.SingleOrDefault(r => r!["ErrorEquals"]!.AsArray().Any(e => (string?)e == "Lambda.ServiceException"));
                Assert.True(lambda is not null, $"{name} does not retry Lambda.ServiceException");
                foreach (var error in new[] { "Lambda.ClientExecutionTimeoutException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException" })
                    Assert.Contains(error, lambda!["ErrorEquals"]!.AsArray().Select(e => (string?)e));
                Assert.Equal("FULL", (string?)lambda!["JitterStrategy"]);
                Assert.True((double)lambda["BackoffRate"]! >= 2);
                Assert.NotNull(lambda["MaxDelaySeconds"]);
            }
        }
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
                    .Where(e => !e.StartsWith("States.", StringComparison.Ordinal) && !e.StartsWith("Lambda.", StringComparison.Ordinal));
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
                // The Wait leads to a Task that throws after maxPolls: BrokerWaitTimedOutException (build) or
                // TeardownTimedOutException (teardown).
                var next = states[(string)wait["Next"]!];
                Assert.Equal("Task", (string?)next["Type"]);
                Assert.Contains((string?)next["Parameters"]!["FunctionName"], new[] { "${BrokerStateFunctionArn}", "${TeardownBrokerFunctionArn}" });
                Assert.NotNull(next["Parameters"]!["Payload"]!["maxPolls.$"]);
                Assert.NotNull(wait["SecondsPath"]);
            }
        }
    }

    [Fact]
    public void StateMachines_MapsHaveBoundedConcurrency()
    {
        foreach (var file in Repo.StateMachineFiles())
            foreach (var (name, map) in Repo.AllStates(Repo.Asl(file)).Where(s => (string?)s.State["Type"] == "Map"))
            {
                var concurrency = (int?)map["MaxConcurrency"];
                Assert.True(concurrency is > 0 and <= 10, $"{name}: MaxConcurrency {concurrency}");
            }
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
    public void Functions_EveryFunctionIsUsedByAStateMachine()
    {
        var functions = Repo.ResourcesOfType("AWS::Serverless::Function").Select(f => f.Name).ToHashSet();
        var referenced = Repo.ResourcesOfType("AWS::Serverless::StateMachine")
            .SelectMany(m => ((YamlMappingNode)m.Properties["DefinitionSubstitutions"]).Children.Values)
            .Select(v => Scalar(v).Split('.')[0])
            .ToHashSet();
        Assert.True(functions.SetEquals(referenced), $"functions {string.Join(",", functions.Order())}; referenced {string.Join(",", referenced.Order())}");
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
