using System.Text.Json.Nodes;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions.Definition;

// The parsed, validated form of a definition. Everything here was checked when the definition loaded.

/// <summary>A set of states with a start: the state machine itself, a Map's item processor or a Parallel branch.</summary>
internal sealed class StatesBlock
{
    public required string StartAt { get; init; }
    public required IReadOnlyDictionary<string, State> States { get; init; }
    public required string Location { get; init; }
}

/// <summary>InputPath, OutputPath or ResultPath: absent (the default, <c>$</c>), a path, or JSON null.</summary>
internal sealed record OptionalPath(JsonPath? Path, bool IsNull)
{
    public static readonly OptionalPath Default = new(null, false);
    public static readonly OptionalPath Null = new(null, true);
}

internal abstract class State
{
    public required string Name { get; init; }
    public required string Location { get; init; }
    public string? Next { get; init; }
    public bool End { get; init; }
    public OptionalPath InputPath { get; init; } = OptionalPath.Default;
    public OptionalPath OutputPath { get; init; } = OptionalPath.Default;

    /// <summary>"Task", "Pass", …: the prefix of the state's history events (TaskStateEntered, …).</summary>
    public abstract string Type { get; }
}

/// <summary>A state that can retry and catch: Task, Map, Parallel.</summary>
internal interface IRecoverable
{
    IReadOnlyList<Retrier> Retry { get; }
    IReadOnlyList<Catcher> Catch { get; }
}

internal sealed class PassState : State
{
    public override string Type => "Pass";
    public PayloadTemplate? Parameters { get; init; }
    public bool HasResult { get; init; }
    public JsonNode? Result { get; init; }
    public OptionalPath ResultPath { get; init; } = OptionalPath.Default;
}

/// <summary>The service integrations a Task may use locally.</summary>
internal enum TaskKind
{
    LambdaInvoke,
    PutEvents,

    /// <summary>states:startExecution.sync:2: waits for the child; its Input and Output are JSON.</summary>
    StartExecutionSync2,

    /// <summary>states:startExecution.sync: waits for the child; its Input and Output are JSON strings.</summary>
    StartExecutionSync,
}

/// <summary>A Task with one of the resources this runner implements: lambda:invoke, events:putEvents, states:startExecution.sync(:2).</summary>
internal sealed class TaskState : State, IRecoverable
{
    public const string LambdaInvoke = "arn:aws:states:::lambda:invoke";
    public const string PutEvents = "arn:aws:states:::events:putEvents";
    public const string StartExecution = "arn:aws:states:::states:startExecution";
    public const string StartExecutionSync = "arn:aws:states:::states:startExecution.sync";
    public const string StartExecutionSync2 = "arn:aws:states:::states:startExecution.sync:2";

    public override string Type => "Task";
    public required string Resource { get; init; }
    public TaskKind Kind { get; init; }
    public required PayloadTemplate Parameters { get; init; }

    /// <summary>FunctionName when it is a literal (checked against the functions when a runner is built).</summary>
    public string? StaticFunctionName { get; init; }

    /// <summary>StateMachineArn of a startExecution task when it is a literal (checked against the template's machines).</summary>
    public string? StaticStateMachineArn { get; init; }

    /// <summary>The resource as history events name it: "lambda:invoke", "events:putEvents", "states:startExecution.sync:2".</summary>
    public string ShortResource => Resource["arn:aws:states:::".Length..];

    public PayloadTemplate? ResultSelector { get; init; }
    public OptionalPath ResultPath { get; init; } = OptionalPath.Default;
    public IReadOnlyList<Retrier> Retry { get; init; } = [];
    public IReadOnlyList<Catcher> Catch { get; init; } = [];
}

internal sealed class ChoiceState : State
{
    public override string Type => "Choice";
    public required IReadOnlyList<ChoiceRule> Choices { get; init; }
    public string? Default { get; init; }
}

internal sealed class WaitState : State
{
    public override string Type => "Wait";
    public long? Seconds { get; init; }
    public JsonPath? SecondsPath { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public JsonPath? TimestampPath { get; init; }
}

internal sealed class SucceedState : State
{
    public override string Type => "Succeed";
}

internal sealed class FailState : State
{
    public override string Type => "Fail";
    public string? Error { get; init; }
    public StringExpression? ErrorPath { get; init; }
    public string? Cause { get; init; }
    public StringExpression? CausePath { get; init; }
}

internal sealed class ParallelState : State, IRecoverable
{
    public override string Type => "Parallel";
    public required IReadOnlyList<StatesBlock> Branches { get; init; }
    public PayloadTemplate? Parameters { get; init; }
    public PayloadTemplate? ResultSelector { get; init; }
    public OptionalPath ResultPath { get; init; } = OptionalPath.Default;
    public IReadOnlyList<Retrier> Retry { get; init; } = [];
    public IReadOnlyList<Catcher> Catch { get; init; } = [];
}

internal sealed class MapState : State, IRecoverable
{
    /// <summary>What MaxConcurrency 0 (no limit) means for an inline Map on AWS: up to 40 iterations at once.</summary>
    public const int UnboundedConcurrency = 40;

    public override string Type => "Map";
    public required StatesBlock Processor { get; init; }
    public JsonPath? ItemsPath { get; init; }
    public PayloadTemplate? ItemSelector { get; init; }
    public int MaxConcurrency { get; init; }
    public JsonPath? MaxConcurrencyPath { get; init; }
    public PayloadTemplate? ResultSelector { get; init; }
    public OptionalPath ResultPath { get; init; } = OptionalPath.Default;
    public IReadOnlyList<Retrier> Retry { get; init; } = [];
    public IReadOnlyList<Catcher> Catch { get; init; } = [];
}

internal sealed class Retrier
{
    public required IReadOnlyList<string> ErrorEquals { get; init; }
    public int IntervalSeconds { get; init; } = 1;
    public int MaxAttempts { get; init; } = 3;
    public double BackoffRate { get; init; } = 2.0;
    public int? MaxDelaySeconds { get; init; }
    public bool FullJitter { get; init; }

    /// <summary>The delay before retry number <paramref name="retry"/> (0 for the first): interval × rate^retry, capped, then jittered.</summary>
    public TimeSpan Delay(int retry, Func<double> random)
    {
        var seconds = IntervalSeconds * Math.Pow(BackoffRate, retry);
        if (MaxDelaySeconds is { } max) seconds = Math.Min(seconds, max);
        if (FullJitter) seconds *= random();
        return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
    }
}

internal sealed class Catcher
{
    public required IReadOnlyList<string> ErrorEquals { get; init; }
    public required string Next { get; init; }
    public OptionalPath ResultPath { get; init; } = OptionalPath.Default;
}

/// <summary>ErrorPath or CausePath: a reference path or an intrinsic function that yields a string.</summary>
internal sealed class StringExpression
{
    public JsonPath? Path { get; init; }
    public IntrinsicCall? Call { get; init; }
    public required string Text { get; init; }
    public required string Field { get; init; }

    public string Evaluate(EvaluationScope scope)
    {
        JsonNode? value;
        if (Call is not null)
        {
            value = Call.Evaluate(scope, Field);
        }
        else if (!scope.TryEvaluate(Path!, out value))
        {
            throw StatesError.Runtime($"The JSONPath '{Text}' specified for the field '{Field}' could not be found in {scope.Describe(Path!)}");
        }
        return JsonText.IsString(value, out var s) ? s
            : throw StatesError.Runtime($"The value of the field '{Field}' ('{Text}') must be a string, but is {JsonText.Serialize(value)}");
    }
}
