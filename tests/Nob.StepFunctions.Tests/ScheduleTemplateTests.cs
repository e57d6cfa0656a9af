using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class ScheduleTemplateTests
{
    static SamTemplate Ours() => SamTemplate.Load(Repo.PathOf("template.yaml"), "eu-west-1", "111122223333", "mystack");

    [Fact]
    public void Schedules_OurTemplateDefaults_DriftCheckEveryDefaultRateStartingCheckDrift()
    {
        var template = Ours();
        var schedule = Assert.Single(template.Schedules()).Value;

        Assert.Equal("DriftCheckSchedule", schedule.LogicalId);
        Assert.Equal("rate(6 hours)", schedule.Expression);
        Assert.Null(schedule.ExpressionTimezone);
        Assert.True(schedule.Enabled);
        Assert.Equal(template.StateMachines["CheckDriftStateMachine"].Arn, schedule.TargetArn);
        Assert.Equal("arn:aws:states:eu-west-1:111122223333:stateMachine:CheckDriftStateMachine", schedule.TargetArn);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"verify": true, "repair": false}"""), JsonNode.Parse(schedule.Input!)), schedule.Input);
        Assert.Equal(3, schedule.MaximumRetryAttempts);
        Assert.Equal(3600, schedule.MaximumEventAgeInSeconds);
        Assert.Equal("arn:aws:sqs:eu-west-1:111122223333:mystack-DriftCheckDeadLetterQueue", schedule.DeadLetterArn);
        Assert.Equal("arn:aws:scheduler:eu-west-1:111122223333:schedule/default/mystack-DriftCheckSchedule", schedule.Arn);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void Schedules_EnabledParameterOverridden_StateFollowsTheCondition(string enabled, bool expected)
    {
        var schedule = Ours().Schedules(new Dictionary<string, string> { ["DriftCheckScheduleEnabled"] = enabled })["DriftCheckSchedule"];
        Assert.Equal(expected, schedule.Enabled);
    }

    [Fact]
    public void Schedules_RateAndInputParametersOverridden_ExpressionAndInputFollow()
    {
        var schedule = Ours().Schedules(new Dictionary<string, string>
        {
            ["DriftCheckRate"] = "rate(1 minute)",
            ["DriftCheckRepair"] = "true",
            ["DriftCheckVerify"] = "false",
        })["DriftCheckSchedule"];
        Assert.Equal("rate(1 minute)", schedule.Expression);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"verify": false, "repair": true}"""), JsonNode.Parse(schedule.Input!)), schedule.Input);
    }

    [Theory]
    [InlineData("DriftCheckRate", "at(2030-01-01T00:00:00)", "AllowedPattern")]
    [InlineData("DriftCheckScheduleEnabled", "yes", "AllowedValues")]
    [InlineData("NoSuchParameter", "x", "no parameter NoSuchParameter")]
    public void Schedules_OverrideCloudFormationWouldRefuse_Refused(string parameter, string value, string expected)
    {
        var e = Assert.Throws<StatesDefinitionException>(() => Ours().Schedules(new Dictionary<string, string> { [parameter] = value }));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    const string Yaml = """
        Parameters:
          Mode:
            Type: String
            Default: on
          Zone:
            Type: String
            Default: Europe/Paris
        Conditions:
          IsOn: !Equals [!Ref Mode, "on"]
          IsOff: !Not [!Condition IsOn]
          Both: !And [!Condition IsOn, !Or [!Equals [!Ref Zone, UTC], !Equals [!Ref Zone, Europe/Paris]]]
        Resources:
          Machine:
            Type: AWS::Serverless::StateMachine
            Properties:
              DefinitionUri: m.asl.json
          Nightly:
            Type: AWS::Scheduler::Schedule
            Properties:
              Name: nightly
              GroupName: jobs
              ScheduleExpression: cron(0 2 * * ? *)
              ScheduleExpressionTimezone: !Ref Zone
              State: !If [Both, ENABLED, DISABLED]
              FlexibleTimeWindow: { Mode: "OFF" }
              Target:
                Arn: !GetAtt Machine.Arn
                Input: !Sub '{"mode": "${Mode}"}'
                DeadLetterConfig:
                  Arn: !If [IsOff, !Ref AWS::NoValue, arn:aws:sqs:eu-west-1:111122223333:given]
          OnlyWhenOff:
            Type: AWS::Scheduler::Schedule
            Condition: IsOff
            Properties:
              ScheduleExpression: rate(1 day)
              FlexibleTimeWindow: { Mode: "OFF" }
              Target: { Arn: !Ref Machine }
        """;

    [Fact]
    public void Schedules_ConditionsAndIf_ResolvedAsCloudFormationDoes()
    {
        var template = SamTemplate.Parse(Yaml, "/base", "eu-west-1", "111122223333", "s");
        var schedules = template.Schedules();
        // OnlyWhenOff's resource Condition is false: CloudFormation would not create it.
        var nightly = Assert.Single(schedules).Value;
        Assert.Equal("arn:aws:scheduler:eu-west-1:111122223333:schedule/jobs/nightly", nightly.Arn);
        Assert.Equal("Europe/Paris", nightly.ExpressionTimezone);
        Assert.True(nightly.Enabled);
        Assert.Equal("""{"mode": "on"}""", nightly.Input);
        Assert.Equal("arn:aws:sqs:eu-west-1:111122223333:given", nightly.DeadLetterArn);
        // No RetryPolicy: EventBridge Scheduler's defaults.
        Assert.Equal(185, nightly.MaximumRetryAttempts);
        Assert.Equal(86400, nightly.MaximumEventAgeInSeconds);

        var off = template.Schedules(new Dictionary<string, string> { ["Mode"] = "off" });
        Assert.False(off["Nightly"].Enabled);
        Assert.Null(off["Nightly"].DeadLetterArn);
        Assert.Equal("s-OnlyWhenOff", off["OnlyWhenOff"].Name);
        Assert.Equal(template.StateMachines["Machine"].Arn, off["OnlyWhenOff"].TargetArn);
        Assert.True(off["OnlyWhenOff"].Enabled);
        Assert.Null(off["OnlyWhenOff"].Input);

        Assert.False(template.Schedules(new Dictionary<string, string> { ["Zone"] = "America/New_York" })["Nightly"].Enabled);
    }

    [Theory]
    [InlineData("State: !If [Both, ENABLED, DISABLED]", "State: !If [Missing, ENABLED, DISABLED]", "no condition Missing")]
    [InlineData("FlexibleTimeWindow: { Mode: \"OFF\" }\n      Target:\n        Arn: !GetAtt", "FlexibleTimeWindow: { Mode: FLEXIBLE, MaximumWindowInMinutes: 5 }\n      Target:\n        Arn: !GetAtt", "FlexibleTimeWindow Mode FLEXIBLE")]
    [InlineData("GroupName: jobs", "StartDate: 2030-01-01T00:00:00Z", "the property StartDate")]
    [InlineData("IsOn: !Equals [!Ref Mode, \"on\"]", "IsOn: !Contains [[a], !Ref Mode]", "the condition !Contains")]
    [InlineData("Input: !Sub", "SqsParameters: {}\n        Input: !Sub", "the property SqsParameters")]
    [InlineData("Arn: !GetAtt Machine.Arn", "Arn: !GetAtt Elsewhere.Arn", "!GetAtt Elsewhere.Arn")]
    public void Schedules_WhatCannotBeResolved_RefusedNamingThePlace(string replace, string with, string expected)
    {
        var changed = Yaml.Replace(replace, with, StringComparison.Ordinal);
        Assert.NotEqual(Yaml, changed);
        var template = SamTemplate.Parse(changed, "/base");
        var e = Assert.ThrowsAny<StatesDefinitionException>(() => template.Schedules());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("Nightly", e.Message, StringComparison.Ordinal);
    }
}
