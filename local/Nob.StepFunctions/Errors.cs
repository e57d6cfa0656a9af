namespace Nob.StepFunctions;

/// <summary>
/// The definition or the template is invalid, or asks for something this runner does not implement. Thrown while a
/// definition is loaded or a runner is built, before any state runs; never turned into an execution failure.
/// </summary>
public class StatesDefinitionException(string message) : Exception(message);

/// <summary>
/// A feature of Amazon States Language (or of the SAM template) that exists on AWS but that this runner does not
/// implement. Rejected loudly instead of being ignored, so a local run never silently differs from AWS.
/// </summary>
public sealed class UnsupportedFeatureException(string feature, string location, string? detail = null)
    : StatesDefinitionException($"{location}: {feature} is not supported by the local Step Functions runner (Nob.StepFunctions){(detail is null ? "" : "; " + detail)}")
{
    /// <summary>What is not supported, e.g. "field 'TimeoutSeconds'" or "intrinsic function States.Foo".</summary>
    public string Feature { get; } = feature;

    /// <summary>Where it was found, e.g. "state 'EnsureBrokers'".</summary>
    public string Location { get; } = location;
}

/// <summary>The host cancelled an execution. <see cref="History"/> holds what happened until then.</summary>
public sealed class ExecutionAbortedException(string executionArn, IReadOnlyList<HistoryEvent> history, CancellationToken token)
    : OperationCanceledException($"Execution {executionArn} was aborted by the host", token)
{
    public string ExecutionArn { get; } = executionArn;
    public IReadOnlyList<HistoryEvent> History { get; } = history;
}

/// <summary>The execution ran past its state machine's TimeoutSeconds; it ends TIMED_OUT (no state can catch this).</summary>
internal sealed class ExecutionTimedOutException() : Exception("The execution ran longer than its state machine's TimeoutSeconds");

/// <summary>The error names Step Functions defines (Amazon States Language, appendix A, plus States.Runtime and States.DataLimitExceeded).</summary>
public static class StatesErrorNames
{
    public const string All = "States.ALL";
    public const string TaskFailed = "States.TaskFailed";
    public const string Timeout = "States.Timeout";
    public const string Runtime = "States.Runtime";
    public const string DataLimitExceeded = "States.DataLimitExceeded";
    public const string NoChoiceMatched = "States.NoChoiceMatched";
    public const string IntrinsicFailure = "States.IntrinsicFailure";
}

/// <summary>
/// An error raised while a state runs: a task failure, a Fail state, or an error of the interpreter itself.
/// <see cref="Terminal"/> errors (States.Runtime, States.DataLimitExceeded) are, as on AWS, never retried nor caught,
/// not even by States.ALL.
/// </summary>
internal sealed class StatesError(string? error, string? cause, bool terminal = false, bool located = false)
    : Exception($"{error}: {cause}")
{
    public string? Error { get; } = error;
    public string? Cause { get; } = cause;
    public bool Terminal { get; } = terminal;

    /// <summary>True once the cause names the state it happened in (as AWS words runtime errors).</summary>
    public bool Located { get; } = located;

    public static StatesError Runtime(string cause) => new(StatesErrorNames.Runtime, cause, terminal: true);

    public static StatesError Intrinsic(string cause) => new(StatesErrorNames.IntrinsicFailure, cause);
}
