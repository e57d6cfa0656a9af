using Amazon.Runtime;
using Nob.Aws.Protocol;
using Nob.Aws.StepFunctions;
using Nob.Aws.StepFunctions.Internal;
using Nob.Aws.StepFunctions.Model;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>
/// The Step Functions calls the moto tests need to set up and change state but the product never makes
/// (CreateStateMachine, StopExecution): signed requests through the same client base (<see cref="AwsServiceClient"/>) and
/// awsJson marshalling as <see cref="AmazonStepFunctionsClient"/>, with members named as in the botocore model.
/// </summary>
internal sealed class MotoStepFunctionsSetup(AWSCredentials credentials, AmazonStepFunctionsConfig config) : AwsServiceClient(credentials, config)
{
    static readonly SfnOperation<CreateStateMachineRequest, CreateStateMachineResponse> CreateStateMachine = new(
        "CreateStateMachine",
        (r, w) =>
        {
            w.WriteString("name", r.Name);
            w.WriteString("definition", r.Definition);
            w.WriteString("roleArn", r.RoleArn);
            w.WriteString("type", "STANDARD");
        },
        o => new CreateStateMachineResponse { StateMachineArn = o.Str("stateMachineArn") });

    static readonly SfnOperation<StopExecutionRequest, StopExecutionResponse> StopExecution = new(
        "StopExecution",
        (r, w) => w.WriteString("executionArn", r.ExecutionArn),
        o => new StopExecutionResponse { StopDate = o.Time("stopDate") });

    public async Task<string> CreateStateMachineAsync(string name, string definitionJson, CancellationToken cancellationToken = default)
    {
        var response = await Invoke(
            new CreateStateMachineRequest { Name = name, Definition = definitionJson, RoleArn = $"arn:aws:iam::{MotoServerFixture.AccountId}:role/nob-moto-test" },
            CreateStateMachine, cancellationToken);
        return response.StateMachineArn ?? throw new InvalidOperationException("CreateStateMachine returned no stateMachineArn");
    }

    public async Task StopExecutionAsync(string executionArn, CancellationToken cancellationToken = default) =>
        await Invoke(new StopExecutionRequest { ExecutionArn = executionArn }, StopExecution, cancellationToken);

    sealed class CreateStateMachineRequest : AmazonStepFunctionsRequest
    {
        public required string Name { get; init; }
        public required string Definition { get; init; }
        public required string RoleArn { get; init; }
    }

    sealed class CreateStateMachineResponse : AmazonWebServiceResponse
    {
        public string? StateMachineArn { get; init; }
    }

    sealed class StopExecutionRequest : AmazonStepFunctionsRequest
    {
        public required string ExecutionArn { get; init; }
    }

    sealed class StopExecutionResponse : AmazonWebServiceResponse
    {
        public DateTimeOffset? StopDate { get; init; }
    }
}
