namespace Nob.StepFunctions;

/// <summary>
/// The Lambda functions a state machine's lambda:invoke tasks call. <see cref="InProcessLambdaFunctions"/> runs the
/// .NET handlers in-process; a test may supply its own.
/// </summary>
public interface ILambdaFunctions
{
    /// <summary>True when <paramref name="functionName"/> (a name, a partial or full ARN) names a function.</summary>
    bool Contains(string functionName);

    /// <summary>
    /// Invokes a function synchronously (RequestResponse) with the payload JSON; returns its output, or the error it
    /// raised (a function error is a result, not an exception).
    /// </summary>
    Task<LambdaInvocationResult> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken);
}

/// <summary>What one invocation returned: the output bytes as text, or an error type and message (Lambda's function error).</summary>
public sealed record LambdaInvocationResult
{
    public string? Payload { get; init; }
    public string? ErrorType { get; init; }
    public string? ErrorMessage { get; init; }
    public required string RequestId { get; init; }
    public string ExecutedVersion { get; init; } = "$LATEST";

    public bool IsError => ErrorType is not null;

    public static LambdaInvocationResult Success(string? payload, string requestId) => new() { Payload = payload, RequestId = requestId };

    public static LambdaInvocationResult Failure(string errorType, string? errorMessage, string requestId) =>
        new() { ErrorType = errorType, ErrorMessage = errorMessage, RequestId = requestId };
}

/// <summary>Function names as lambda:invoke accepts them: a name, <c>account:function:name</c>, or a full ARN, optionally with $LATEST.</summary>
public static class LambdaFunctionNames
{
    /// <summary>The bare function name, or null when the qualifier names a version or alias (not modelled locally).</summary>
    public static string? NameOf(string functionName)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        var parts = functionName.Split(':');
        string name;
        string? qualifier;
        if (functionName.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (parts.Length is < 7 or > 8 || parts[2] != "lambda" || parts[5] != "function") return null;
            (name, qualifier) = (parts[6], parts.Length == 8 ? parts[7] : null);
        }
        else if (parts.Length >= 3 && parts[1] == "function")
        {
            (name, qualifier) = (parts[2], parts.Length > 3 ? parts[3] : null);
        }
        else
        {
            (name, qualifier) = (parts[0], parts.Length > 1 ? parts[1] : null);
        }
        return qualifier is null or "$LATEST" ? name : null;
    }
}
