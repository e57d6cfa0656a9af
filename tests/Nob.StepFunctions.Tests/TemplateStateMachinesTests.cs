using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

/// <summary>A template like the lifecycle's: two state machines, one starting the other, beside resources the runner never reads.</summary>
public sealed class TemplateStateMachinesTests : IDisposable
{
    readonly string directory = Path.Combine(Path.GetTempPath(), $"nob-template-{Guid.NewGuid():N}");

    public TemplateStateMachinesTests()
    {
        Directory.CreateDirectory(Path.Combine(directory, "statemachine"));
        File.WriteAllText(Path.Combine(directory, "statemachine", "check.asl.json"), """
            {"StartAt":"Check","States":{
              "Check":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"${CheckFunctionArn}","Payload.$":"$"},
                       "ResultSelector":{"drifted.$":"$.Payload.drifted"},"ResultPath":"$.check","Next":"Tell"},
              "Tell":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
                      "Parameters":{"Entries":[{"Source":"${Source}","DetailType":"Drift","Detail":{"bus":"${EventBusArn}"},"EventBusName":"${EventBusArn}"}]},
                      "ResultPath":null,"Next":"Teardown"},
              "Teardown":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
                          "Parameters":{"StateMachineArn":"${TeardownArn}","Input":{"again":"${TeardownArnByGetAtt}","name":"${TeardownName}"}},
                          "OutputPath":"$.Output","End":true}}}
            """);
        File.WriteAllText(Path.Combine(directory, "statemachine", "teardown.asl.json"), """
            {"StartAt":"Done","States":{"Done":{"Type":"Pass","Parameters":{"torn.$":"$.name","stack":"${Stack}"},"End":true}}}
            """);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    const string Yaml = """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Source:
            Type: String
            Default: nob.lifecycle
          ScheduleExpression:
            Type: String
            Default: rate(1 hour)
        Globals:
          Function:
            Runtime: dotnet10
            Timeout: 30
            LoggingConfig:
              ApplicationLogLevel: !Ref Source
        Resources:
          CheckFunction:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: !Sub "${AWS::StackName}-check"
              Handler: A::B.C::D
              Policies:
                - SSMParameterReadPolicy: { ParameterName: !Sub "nob/networks/*" }
              Events:
                Api:
                  Type: Api
                  Properties: { RestApiId: !Ref Api, Path: /networks, Method: get }
          Api:
            Type: AWS::Serverless::Api
            Properties:
              StageName: !Select [0, [v1]]
              Auth: { DefaultAuthorizer: AWS_IAM }
          CheckRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement: [{ Effect: Allow, Principal: { Service: !Join ["", [scheduler., !Ref AWS::URLSuffix]] }, Action: sts:AssumeRole }]
          Schedule:
            Type: AWS::Scheduler::Schedule
            Properties:
              ScheduleExpression: !Ref ScheduleExpression
              FlexibleTimeWindow: { Mode: "OFF" }
              Target:
                Arn: !Ref CheckDriftStateMachine
                RoleArn: !GetAtt CheckRole.Arn
                Input: !ToJsonString { network: all }
          CheckDriftStateMachine:
            Type: AWS::Serverless::StateMachine
            Properties:
              DefinitionUri: statemachine/check.asl.json
              DefinitionSubstitutions:
                CheckFunctionArn: !GetAtt CheckFunction.Arn
                EventBusArn: !Sub "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"
                Source: !Ref Source
                TeardownArn: !Ref TeardownNetworkStateMachine
                TeardownArnByGetAtt: !GetAtt TeardownNetworkStateMachine.Arn
                TeardownName: !GetAtt TeardownNetworkStateMachine.Name
              Policies:
                - StepFunctionsExecutionPolicy: { StateMachineName: !GetAtt TeardownNetworkStateMachine.Name }
                - EventBridgePutEventsPolicy: { EventBusName: default }
          TeardownNetworkStateMachine:
            Type: AWS::Serverless::StateMachine
            Properties:
              Name: !Sub "${AWS::StackName}-teardown-network"
              DefinitionUri: statemachine/teardown.asl.json
              DefinitionSubstitutions:
                Stack:
                  Fn::Sub:
                    - "${Name}/${AWS::Region}/${!Literal}"
                    - { Name: !Ref AWS::StackName }
        """;

    SamTemplate Load(string yaml = Yaml) => SamTemplate.Parse(yaml, directory, "eu-west-1", "111122223333", "nob-test");

    [Fact]
    public void Parse_ResolvesRefSubAndGetAttOfStateMachines_AndIgnoresOtherResources()
    {
        var template = Load();
        Assert.Equal("nob-test-check", template.Functions["CheckFunction"].FunctionName);
        var teardown = template.StateMachines["TeardownNetworkStateMachine"];
        Assert.Equal("nob-test-teardown-network", teardown.Name);
        Assert.Equal("arn:aws:states:eu-west-1:111122223333:stateMachine:nob-test-teardown-network", teardown.Arn);
        Assert.Equal("nob-test/eu-west-1/${Literal}", teardown.Substitutions["Stack"]);
        var check = template.StateMachines["CheckDriftStateMachine"];
        Assert.Equal("arn:aws:states:eu-west-1:111122223333:stateMachine:CheckDriftStateMachine", check.Arn);
        Assert.Equal("arn:aws:events:eu-west-1:111122223333:event-bus/default", check.Substitutions["EventBusArn"]);
        Assert.Equal(teardown.Arn, check.Substitutions["TeardownArn"]);
        Assert.Equal(teardown.Arn, check.Substitutions["TeardownArnByGetAtt"]);
        Assert.Equal("nob-test-teardown-network", check.Substitutions["TeardownName"]);
        Assert.Equal("nob.lifecycle", check.Substitutions["Source"]);
        Assert.Equal("arn:aws:lambda:eu-west-1:111122223333:function:nob-test-check", check.Substitutions["CheckFunctionArn"]);
    }

    [Fact]
    public async Task FromTemplate_StartsTheOtherStateMachine_WithTheSameFunctionsAndOptions()
    {
        var functions = new ScriptedFunctions().On("nob-test-check", _ => new JsonObject { ["drifted"] = true });
        var events = new List<PutEventsEntry>();
        var options = new LocalStateMachineOptions
        {
            TimeProvider = ManualClock.AutoAdvancing(), Region = "eu-west-1", Account = "111122223333", StackName = "nob-test",
            OnPutEvents = (e, _) =>
            {
                events.AddRange(e);
                return Task.CompletedTask;
            },
        };
        var machine = LocalStateMachine.FromTemplate(Load(), "CheckDriftStateMachine", functions, options);
        var result = await machine.ExecuteAsync("""{"name":"shop"}""");

        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("""{"torn":"nob-test-teardown-network","stack":"nob-test/eu-west-1/${Literal}"}""", result.Output);
        var child = Assert.Single(result.ChildExecutions);
        Assert.StartsWith("arn:aws:states:eu-west-1:111122223333:execution:nob-test-teardown-network:", child.ExecutionArn, StringComparison.Ordinal);
        Assert.Equal(1, child.StateTransitions);
        Assert.Equal("nob.lifecycle", Assert.Single(events).Source);
        Assert.Equal("""{"bus":"arn:aws:events:eu-west-1:111122223333:event-bus/default"}""", events[0].Detail);
    }

    [Fact]
    public void FromTemplate_ALiteralStateMachineArnOutsideTheTemplate_IsRejected()
    {
        var yaml = Yaml.Replace("TeardownArn: !Ref TeardownNetworkStateMachine", "TeardownArn: arn:aws:states:eu-west-1:111122223333:stateMachine:elsewhere", StringComparison.Ordinal);
        var e = Assert.Throws<StatesDefinitionException>(() => LocalStateMachine.FromTemplate(Load(yaml), "CheckDriftStateMachine", new ScriptedFunctions().On("nob-test-check", _ => null),
            new LocalStateMachineOptions { Region = "eu-west-1", Account = "111122223333" }));
        Assert.Contains("elsewhere", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("!Select [0, [a]]", "!Select")]
    [InlineData("!GetAtt CheckRole.Arn", "!GetAtt CheckRole.Arn")]
    [InlineData("!Sub \"${Api}\"", "!Ref Api")]
    [InlineData("!Ref ScheduleExpressionMissing", "!Ref ScheduleExpressionMissing")]
    [InlineData("!ToJsonString { a: 1 }", "!ToJsonString")]
    public void Parse_AnUnsupportedIntrinsicInDefinitionSubstitutions_FailsLoudly(string value, string message)
    {
        var yaml = Yaml.Replace("Source: !Ref Source", $"Source: {value}", StringComparison.Ordinal);
        var e = Assert.Throws<UnsupportedFeatureException>(() => Load(yaml));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("CheckDriftStateMachine DefinitionSubstitutions.Source", e.Message, StringComparison.Ordinal);
    }
}
