namespace Nob.StepFunctions.Tests;

public class SamTemplateTests
{
    static readonly string[] BuildFunctions =
    [
        "ValidateFunction", "CheckConvergedFunction", "EnsureBrokerFunction", "BrokerStateFunction", "PlanNetworkFunction", "OpenIngressFunction",
        "WriteConnectorRevisionFunction", "RebootBrokerFunction", "VerifyFunction", "StoreNetworkFunction", "SummarizeFunction",
        "AcquireLockFunction", "ReleaseLockFunction",
    ];

    static readonly string[] CheckDriftFunctions = ["ListNetworksFunction", "CheckDriftFunction", "VerifyFunction", "ReportDriftFunction"];

    static readonly string[] TeardownFunctions = ["PlanTeardownFunction", "RevokeIngressFunction", "TeardownBrokerFunction", "FinishTeardownFunction", "AcquireLockFunction", "ReleaseLockFunction"];

    [Fact]
    public void OurTemplate_GivesEveryFunctionAndTheSubstitutions()
    {
        var template = SamTemplate.Load(Repo.PathOf("template.yaml"));
        // The three workflows' functions (VerifyFunction serves build and drift check) and the API's.
        Assert.Equal(
            [.. BuildFunctions.Concat(CheckDriftFunctions).Concat(TeardownFunctions).Append("ApiFunction").Distinct().Order(StringComparer.Ordinal)],
            template.Functions.Keys.Order(StringComparer.Ordinal));
        Assert.All(template.Functions, f =>
        {
            Assert.Equal($"Nob.Functions::Nob.Functions.{f.Key}::HandleAsync", f.Value.Handler);
            Assert.Equal("dotnet10", f.Value.Runtime);
        });
        var validate = template.Functions["ValidateFunction"];
        Assert.Equal(15, validate.TimeoutSeconds);
        Assert.Equal(60, template.Functions["EnsureBrokerFunction"].TimeoutSeconds);
        Assert.Equal(120, template.Functions["CheckDriftFunction"].TimeoutSeconds);

        var machine = template.StateMachines["BuildNetworkStateMachine"];
        Assert.Equal(Repo.PathOf("statemachine", "build-network.asl.json"), machine.DefinitionPath);
        Assert.Equal(BuildFunctions.Select(f => f + "Arn").Order(StringComparer.Ordinal), machine.Substitutions.Keys.Order(StringComparer.Ordinal));
        Assert.All(BuildFunctions, f => Assert.Equal($"arn:aws:lambda:us-east-1:123456789012:function:{f}", machine.Substitutions[f + "Arn"]));

        var drift = template.StateMachines["CheckDriftStateMachine"];
        Assert.Equal(Repo.PathOf("statemachine", "check-drift.asl.json"), drift.DefinitionPath);
        Assert.Equal(
            CheckDriftFunctions.Select(f => f + "Arn").Append("EventBusArn").Append("BuildNetworkStateMachineArn").Order(StringComparer.Ordinal),
            drift.Substitutions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("arn:aws:events:us-east-1:123456789012:event-bus/default", drift.Substitutions["EventBusArn"]);
        // !Ref of a state machine is its ARN: the drift check's repair starts the build machine of the same stack.
        Assert.Equal(machine.Arn, drift.Substitutions["BuildNetworkStateMachineArn"]);

        var teardown = template.StateMachines["TeardownNetworkStateMachine"];
        Assert.Equal(Repo.PathOf("statemachine", "teardown-network.asl.json"), teardown.DefinitionPath);
        Assert.Equal(TeardownFunctions.Select(f => f + "Arn").Order(StringComparer.Ordinal), teardown.Substitutions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:TeardownBrokerFunction", teardown.Substitutions["TeardownBrokerFunctionArn"]);
    }

    [Theory]
    [InlineData("BuildNetworkStateMachine")]
    [InlineData("CheckDriftStateMachine")]
    [InlineData("TeardownNetworkStateMachine")]
    public void OurDefinition_Loads_WithEveryFunctionKnown(string logicalId)
    {
        var template = SamTemplate.Load(Repo.PathOf("template.yaml"));
        var definition = StateMachineDefinition.FromTemplate(template, logicalId);
        string[] expected = logicalId switch
        {
            "BuildNetworkStateMachine" => BuildFunctions,
            "CheckDriftStateMachine" => CheckDriftFunctions,
            _ => TeardownFunctions,
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), definition.FunctionNames.Select(f => LambdaFunctionNames.NameOf(f)).Order(StringComparer.Ordinal));
        var functions = InProcessLambdaFunctions.FromTemplate(template, options: new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore });
        Assert.All(definition.FunctionNames, f => Assert.True(functions.Contains(f), f));
    }

    const string Yaml = """
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Stage:
            Type: String
            Default: dev
        Globals:
          Function:
            Runtime: dotnet10
            Timeout: 20
        Resources:
          First:
            Type: AWS::Serverless::Function
            Properties:
              Handler: A::B.C::D
              FunctionName: first-fn
          Second:
            Type: AWS::Serverless::Function
            Properties:
              Handler: A::B.E::D
              Timeout: 5
              Environment:
                Variables:
                  PLAIN: text
                  STAGE: !Ref Stage
                  FIRST: !GetAtt First.Arn
                  GROUP: !Ref SomeSecurityGroup
          Machine:
            Type: AWS::Serverless::StateMachine
            Properties:
              DefinitionUri: sm/x.asl.json
              DefinitionSubstitutions:
                FirstArn: !GetAtt First.Arn
                SecondArn:
                  Fn::GetAtt: [Second, Arn]
                SecondName: !Ref Second
                StageName: !Ref Stage
                Plain: literal
        """;

    [Fact]
    public void Template_ResolvesGetAttRefAndPlainValues_AndAppliesGlobals()
    {
        var template = SamTemplate.Parse(Yaml, "/base", "eu-west-1", "111122223333");
        Assert.Equal(20, template.Functions["First"].TimeoutSeconds);
        Assert.Equal(5, template.Functions["Second"].TimeoutSeconds);
        Assert.Equal("first-fn", template.Functions["First"].FunctionName);
        var s = template.StateMachines["Machine"].Substitutions;
        Assert.Equal("arn:aws:lambda:eu-west-1:111122223333:function:first-fn", s["FirstArn"]);
        Assert.Equal("arn:aws:lambda:eu-west-1:111122223333:function:Second", s["SecondArn"]);
        Assert.Equal("Second", s["SecondName"]);
        Assert.Equal("dev", s["StageName"]);
        Assert.Equal("literal", s["Plain"]);
        Assert.Equal(Path.GetFullPath("/base/sm/x.asl.json"), template.StateMachines["Machine"].DefinitionPath);
        var environment = template.Functions["Second"].Environment;
        Assert.Equal("text", environment["PLAIN"]);
        Assert.Equal("dev", environment["STAGE"]);
        Assert.Equal("arn:aws:lambda:eu-west-1:111122223333:function:first-fn", environment["FIRST"]);
        Assert.Null(environment["GROUP"]);
        Assert.Empty(template.Functions["First"].Environment);
    }

    [Theory]
    [InlineData("!Join [\",\", [a, b]]", "!Join")]
    [InlineData("!Sub \"${Nothing}\"", "!Ref Nothing")]
    [InlineData("!ImportValue Other", "!ImportValue")]
    [InlineData("!GetAtt Machine.StateMachineRevisionId", "!GetAtt Machine.StateMachineRevisionId")]
    [InlineData("!GetAtt First.Name", "!GetAtt First.Name")]
    [InlineData("!Ref Nothing", "!Ref Nothing")]
    public void Template_RejectsSubstitutionsItCannotResolve(string value, string message)
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() => SamTemplate.Parse(Yaml.Replace("literal", value, StringComparison.Ordinal), "/base"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("DefinitionSubstitutions.Plain", e.Message, StringComparison.Ordinal);
    }
}
