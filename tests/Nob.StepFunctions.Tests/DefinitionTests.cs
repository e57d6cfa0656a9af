namespace Nob.StepFunctions.Tests;

/// <summary>What the runner does not implement is rejected when the definition loads, naming the feature and the state.</summary>
public class DefinitionTests
{
    const string Invoke = "\"Resource\":\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"FunctionName\":\"F\",\"Payload\":{}}";

    [Theory]
    [InlineData("""{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}""", "the state machine", "QueryLanguage \"JSONata\"")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","QueryLanguage":"JSONata","End":true}}}""", "state 'P'", "QueryLanguage \"JSONata\"")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{},"End":true}}}""", "state 'T'", "Resource \"arn:aws:states:::sqs:sendMessage\"")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:F","End":true}}}""", "state 'T'", "Resource \"arn:aws:lambda")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{},"End":true}}}""", "state 'T'", "waitForTaskToken")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"TimeoutSeconds":30,"End":true}}}""", "state 'T'", "field 'TimeoutSeconds'")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"HeartbeatSeconds":30,"End":true}}}""", "state 'T'", "field 'HeartbeatSeconds'")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"F","Payload":{},"Qualifier":"1"},"End":true}}}""", "state 'T'", "Parameters.Qualifier")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"x":1},"End":true}}}""", "state 'P'", "field 'Assign'")]
    [InlineData("""{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}""", "state 'M'", "Mode \"DISTRIBUTED\"")]
    [InlineData("""{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}""", "state 'M'", "field 'ItemReader'")]
    [InlineData("""{"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}""", "state 'M'", "field 'ToleratedFailureCount'")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.a[?(@.b)]"},"End":true}}}""", "state 'P'", "filter or script expression")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"States.Nope()"},"End":true}}}""", "state 'P'", "intrinsic function States.Nope")]
    public void UnsupportedFeature_IsRejected_NamingFeatureAndState(string definition, string location, string feature)
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() => StateMachineDefinition.Parse(definition.Replace("RESOURCE", Invoke, StringComparison.Ordinal)));
        Assert.StartsWith(location, e.Message, StringComparison.Ordinal);
        Assert.Contains(feature, e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported by the local Step Functions runner", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Foo":1,"End":true}}}""", "state 'P': \"Foo\" is not a field of a Pass state")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Wait","Seconds":1,"ResultPath":"$.x","End":true}}}""", "\"ResultPath\" is not a field of a Wait state")]
    [InlineData("""{"StartAt":"X","States":{"P":{"Type":"Pass","End":true}}}""", "StartAt \"X\" is not one of its states")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"Nowhere"}}}""", "the transition to \"Nowhere\" leads to no state")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass"}}}""", "needs \"Next\" or \"End\"")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"P","End":true}}}""", "has both \"Next\" and \"End\"")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Sleep","End":true}}}""", "unknown state type \"Sleep\"")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}""", "must be a reference path")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":5},"End":true}}}""", "the value of \"x.$\" must be a string")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}],"End":true}}}""", "States.ALL must be in the last entry")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"T"}],"End":true}}}""", "States.ALL must appear alone")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5}],"End":true}}}""", "BackoffRate must be a number of at least 1.0")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"Retry":[{"ErrorEquals":["X"],"JitterStrategy":"SOME"}],"End":true}}}""", "JitterStrategy \"SOME\"")]
    [InlineData("""{"StartAt":"T","States":{"T":{"Type":"Task",RESOURCE,"Retry":[{"ErrorEquals":["X"],"MaxAttempt":2}],"End":true}}}""", "\"MaxAttempt\" is not a field of a retrier")]
    [InlineData("""{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"Out"}}},"Next":"Out"},"Out":{"Type":"Succeed"}}}""", "leads to no state of state 'M' ItemProcessor")]
    [InlineData("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}""", "exactly one of Seconds")]
    [InlineData("""{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"States.ArrayLength($.a)"}}}""", "ErrorPath may use only")]
    [InlineData("""{"StartAt":"P","States":{"P":{"Type":"Pass","End":true},"P":{"Type":"Succeed"}}}""", "repeats a name")]
    public void InvalidDefinition_IsRejected(string definition, string message)
    {
        var e = Assert.ThrowsAny<StatesDefinitionException>(() => StateMachineDefinition.Parse(definition.Replace("RESOURCE", Invoke, StringComparison.Ordinal)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Substitutions_ReplacePlaceholders_AndAMissingOneIsAnError()
    {
        const string definition = """{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"${FnArn}","Payload":{}},"End":true}}}""";
        var parsed = StateMachineDefinition.Parse(definition, new Dictionary<string, string> { ["FnArn"] = "arn:aws:lambda:us-east-1:123456789012:function:F" });
        Assert.Equal(["arn:aws:lambda:us-east-1:123456789012:function:F"], parsed.FunctionNames);
        var e = Assert.Throws<StatesDefinitionException>(() => StateMachineDefinition.Parse(definition));
        Assert.Contains("${FnArn}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFunctionTheRunnerDoesNotKnow_IsRejectedWhenTheRunnerIsBuilt()
    {
        var definition = StateMachineDefinition.Parse($$$$"""{"StartAt":"T","States":{"T":{"Type":"Task",{{{{Invoke}}}},"End":true}}}""");
        var e = Assert.Throws<StatesDefinitionException>(() => new LocalStateMachine(definition, new ScriptedFunctions().On("G", p => p)));
        Assert.Contains("FunctionName \"F\"", e.Message, StringComparison.Ordinal);
    }
}
