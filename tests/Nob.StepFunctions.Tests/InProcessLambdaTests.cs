using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class InProcessLambdaTests
{
    const string Assembly = "Nob.StepFunctions.Tests";

    static LambdaFunctionResource Function(string name, string type, string method = "HandleAsync", int timeout = 30, Dictionary<string, string?>? environment = null) =>
        new(name, name, $"arn:aws:lambda:us-east-1:123456789012:function:{name}", $"{Assembly}::Nob.StepFunctions.Tests.{type}::{method}", "dotnet10", timeout,
            environment ?? []);

    static string Invoke(string function, string payload = "{}") => $$$$"""
        {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
          "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:{{{{function}}}}","Payload":{{{{payload}}}}},
          "OutputPath":"$.Payload","End":true}}}
        """;

    [Fact]
    public async Task Handler_IsCalledWithAStreamOfThePayload_AndItsStreamIsTheResultPayload()
    {
        var functions = new InProcessLambdaFunctions([Function("Echo", "EchoFunction")]);
        var output = await Sfn.OutputAsync(Invoke("Echo", """{"x.$":"$.x"}"""), """{"x":[1,"two"]}""", functions);
        Assert.Equal("""{"x":[1,"two"]}""", Sfn.Json(output!["echo"]));
    }

    [Fact]
    public async Task Exception_IsAFunctionError_NamedByTheExceptionsShortName()
    {
        var functions = new InProcessLambdaFunctions([Function("Throw", "ThrowingFunction")]);
        var result = await Sfn.RunAsync(Invoke("Throw"), "{}", functions);
        Assert.Equal("SpecRejectedException", result.Error);
        Assert.Equal("""{"errorType":"SpecRejectedException","errorMessage":"brokers[1].name: \"My Broker\" contains a space"}""", result.Cause);
    }

    [Fact]
    public async Task SequentialInvocations_ReuseOneWarmInstance_ConcurrentOnesStartCold()
    {
        var functions = new InProcessLambdaFunctions([Function("Echo", "EchoFunction")]);
        var machine = new LocalStateMachine(StateMachineDefinition.Parse("""
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":MAX,
              "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                 "Parameters":{"FunctionName":"Echo","Payload":{"delayMs":50}},"OutputPath":"$.Payload.instance","End":true}}},"End":true}}}
            """.Replace("MAX", "1", StringComparison.Ordinal)), functions);
        var sequential = JsonNode.Parse((await machine.ExecuteAsync("[1,2,3,4]")).Output!)!.AsArray().Select(i => (int)i!).Distinct().Count();
        Assert.Equal(1, sequential);
        Assert.Equal(1, functions.ColdStarts("Echo"));

        var concurrent = new LocalStateMachine(StateMachineDefinition.Parse(machine.Definition.Json.Replace("\"MaxConcurrency\":1", "\"MaxConcurrency\":4", StringComparison.Ordinal)), functions);
        var result = await concurrent.ExecuteAsync("[1,2,3,4]");
        Assert.Equal(4, JsonNode.Parse(result.Output!)!.AsArray().Select(i => (int)i!).Distinct().Count());
        Assert.Equal(4, functions.ColdStarts("Echo"));
        Assert.Equal(8, functions.Invocations("Echo"));
    }

    [Fact]
    public async Task HandlerFactory_ConstructsHandlersWithTheHostsServices()
    {
        var functions = new InProcessLambdaFunctions([Function("Greet", "GreetFunction", "Handle")], HandlerFactories.FromServices(new Greeting("Hi ")));
        var output = await Sfn.OutputAsync(Invoke("Greet", """{"name":"Ada"}"""), "{}", functions);
        Assert.Equal("Hi Ada", (string?)output!["greeting"]);
    }

    [Fact]
    public async Task WithoutAFactory_TheParameterlessConstructorIsUsed_AsOnLambda()
    {
        var functions = new InProcessLambdaFunctions([Function("Greet", "GreetFunction", "Handle")]);
        var output = await Sfn.OutputAsync(Invoke("Greet", """{"name":"Ada"}"""), "{}", functions);
        Assert.Equal("Hello from the parameterless constructor, Ada", (string?)output!["greeting"]);
    }

    [Fact]
    public async Task FromServices_WithoutTheServicesAHandlerNeeds_FailsInsteadOfFallingBack()
    {
        var functions = new InProcessLambdaFunctions([Function("Greet", "GreetFunction", "Handle")], HandlerFactories.FromServices("not a greeting"));
        var result = await Sfn.RunAsync(Invoke("Greet", """{"name":"Ada"}"""), "{}", functions);
        Assert.Equal("InvalidOperationException", result.Error);
        Assert.Contains("IGreeting", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticAndSynchronousHandlers_Work_AndOutputThatIsNotJsonIsAString()
    {
        var functions = new InProcessLambdaFunctions([Function("Static", "StaticFunction", "Handle"), Function("Text", "NotJsonFunction", "Handle")]);
        Assert.Equal("""{"a":1}""", Sfn.Json(await Sfn.OutputAsync(Invoke("Static", """{"a":1}"""), "{}", functions)));
        Assert.Equal("\"plain text\"", Sfn.Json(await Sfn.OutputAsync(Invoke("Text"), "{}", functions)));
    }

    [Fact]
    public async Task AnInvocationLongerThanTheFunctionsTimeout_IsSandboxTimedout()
    {
        var functions = new InProcessLambdaFunctions([Function("Slow", "SlowFunction", timeout: 1)]);
        var result = await Sfn.RunAsync(Invoke("Slow"), "{}", functions);
        Assert.Equal("Sandbox.Timedout", result.Error);
        Assert.Contains("Task timed out after 1.00 seconds", result.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Nob.StepFunctions.Tests::Nob.StepFunctions.Tests.NoSuchType::Handle", "has no type")]
    [InlineData("Nob.StepFunctions.Tests::Nob.StepFunctions.Tests.EchoFunction::Nope", "0 public methods named Nope")]
    [InlineData("Nob.StepFunctions.Tests::Nob.StepFunctions.Tests.OverloadedFunction::Handle", "2 public methods named Handle")]
    [InlineData("No.Such.Assembly::X.Y::Z", "cannot be loaded")]
    [InlineData("Nob.StepFunctions.Tests.EchoFunction::HandleAsync", "Assembly::Namespace.Type::Method")]
    [InlineData("Nob.StepFunctions.Tests::Nob.StepFunctions.Tests.ContextFunction::Handle", "handler signature")]
    public void BadHandler_IsRejectedWhenTheFunctionsAreBuilt(string handler, string message)
    {
        var resource = Function("Bad", "EchoFunction") with { Handler = handler };
        var e = Assert.ThrowsAny<StatesDefinitionException>(() => new InProcessLambdaFunctions([resource]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("function Bad", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromServices_GivesNullToANullableParameterNoServiceFits()
    {
        var functions = new InProcessLambdaFunctions([Function("Optional", "OptionalFunction", "Handle")], HandlerFactories.FromServices(new Greeting("Hi ")));
        Assert.Equal("Hi Ada<no suffix>", (string?)(await Sfn.OutputAsync(Invoke("Optional"), "{}", functions))!["greeting"]);
    }

    [Fact]
    public async Task HandlerFactory_SeesTheFunctionsResource_AndItsEnvironment()
    {
        var resource = Function("Optional", "OptionalFunction", "Handle", environment: new() { ["SUFFIX"] = "!" });
        var functions = new InProcessLambdaFunctions([resource],
            (type, function) => new OptionalFunction(new Greeting("Hi "), function.Environment["SUFFIX"]),
            new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore });
        Assert.Equal("Hi Ada!", (string?)(await Sfn.OutputAsync(Invoke("Optional"), "{}", functions))!["greeting"]);
    }

    /// <summary>The variables below belong to these tests only: the process environment is shared by every test.</summary>
    [Fact]
    public async Task EnvironmentVariables_AreAppliedToTheProcess_ForHandlersThatReadThem()
    {
        var resource = Function("Env", "EnvironmentFunction", "Handle", environment: new() { ["NOB_SFN_TEST_GREETING"] = "hello from the template" });
        var functions = new InProcessLambdaFunctions([resource]);
        Assert.Equal("hello from the template", Environment.GetEnvironmentVariable("NOB_SFN_TEST_GREETING"));
        Assert.Equal("hello from the template", (string?)(await Sfn.OutputAsync(Invoke("Env"), "{}", functions))!["greeting"]);
    }

    [Fact]
    public void EnvironmentVariables_OnlyAwsResolves_NeedAValueFromTheHost()
    {
        var resource = Function("Echo", "EchoFunction", environment: new() { ["NOB_SFN_TEST_GROUP"] = null });
        var e = Assert.Throws<StatesDefinitionException>(() => new InProcessLambdaFunctions([resource]));
        Assert.Contains("NOB_SFN_TEST_GROUP has a value only AWS resolves", e.Message, StringComparison.Ordinal);

        _ = new InProcessLambdaFunctions([resource], options: new InProcessLambdaOptions { Environment = new Dictionary<string, string?> { ["NOB_SFN_TEST_GROUP"] = "sg-local" } });
        Assert.Equal("sg-local", Environment.GetEnvironmentVariable("NOB_SFN_TEST_GROUP"));
    }

    [Fact]
    public void EnvironmentVariables_ThatDifferBetweenFunctions_AreRefused_UnlessIgnored()
    {
        var a = Function("A", "EchoFunction", environment: new() { ["NOB_SFN_TEST_MODE"] = "a" });
        var b = Function("B", "EchoFunction", environment: new() { ["NOB_SFN_TEST_MODE"] = "b" });
        var e = Assert.Throws<StatesDefinitionException>(() => new InProcessLambdaFunctions([a, b]));
        Assert.Contains("share one environment", e.Message, StringComparison.Ordinal);
        Assert.True(new InProcessLambdaFunctions([a, b], options: new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore }).Contains("B"));
        Assert.Null(Environment.GetEnvironmentVariable("NOB_SFN_TEST_MODE"));
    }

    [Theory]
    [InlineData("Echo", true)]
    [InlineData("Echo:$LATEST", true)]
    [InlineData("123456789012:function:Echo", true)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:Echo", true)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:Echo:$LATEST", true)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:Echo:prod", false)]
    [InlineData("Other", false)]
    public void FunctionNames_ResolveAsLambdaInvokeAcceptsThem(string name, bool found) =>
        Assert.Equal(found, new InProcessLambdaFunctions([Function("Echo", "EchoFunction")]).Contains(name));
}
