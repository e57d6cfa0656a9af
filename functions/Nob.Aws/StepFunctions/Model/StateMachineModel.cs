using Amazon.Runtime;

namespace Nob.Aws.StepFunctions.Model;

// ListStateMachines and DescribeStateMachine (botocore stepfunctions/2016-11-23). The definition is SensitiveData.

/// <summary>ListStateMachines: one page.</summary>
public sealed class ListStateMachinesRequest : AmazonStepFunctionsRequest
{
    /// <summary><c>maxResults</c>: 0–1000 (0 = the service's default of 100).</summary>
    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

public sealed class ListStateMachinesResponse : AmazonWebServiceResponse
{
    public IReadOnlyList<StateMachineListItem> StateMachines { get; init; } = [];

    public string? NextToken { get; init; }
}

public sealed class StateMachineListItem
{
    public string? StateMachineArn { get; init; }

    public string? Name { get; init; }

    /// <summary>STANDARD or EXPRESS.</summary>
    public string? Type { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public override string ToString() => $"{Name} ({StateMachineArn})";
}

public sealed class DescribeStateMachineRequest : AmazonStepFunctionsRequest
{
    public required string StateMachineArn { get; init; }
}

/// <summary>DescribeStateMachine's response (the members this project reads; logging and tracing are not).</summary>
public sealed class DescribeStateMachineResponse : AmazonWebServiceResponse
{
    public string? StateMachineArn { get; init; }

    public string? Name { get; init; }

    /// <summary>ACTIVE or DELETING.</summary>
    public string? Status { get; init; }

    /// <summary>The Amazon States Language definition, substitutions applied.</summary>
    public string? Definition { get; init; }

    public string? RoleArn { get; init; }

    public string? Type { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public string? Label { get; init; }

    public override string ToString() => $"{Name} {Status} ({StateMachineArn})";
}
