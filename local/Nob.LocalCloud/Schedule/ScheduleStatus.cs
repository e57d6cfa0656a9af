namespace Nob.LocalCloud.Schedule;

/// <summary>
/// One invocation of a schedule: when it was due, how many start attempts it took, and the execution it started or why
/// it could not (then it went to the dead-letter file).
/// </summary>
public sealed record ScheduleRun
{
    public required DateTimeOffset ScheduledTime { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public required int Attempts { get; init; }

    public string? ExecutionArn { get; init; }

    /// <summary>The last start's error code and message, when no execution was started.</summary>
    public string? Error { get; init; }

    public bool DeadLettered { get; init; }
}

/// <summary>What a schedule of the endpoint does and has done (<c>GET /_localcloud/schedules</c>).</summary>
public sealed record ScheduleStatus
{
    public required string Name { get; init; }

    public required string Arn { get; init; }

    public required string Expression { get; init; }

    public required string Timezone { get; init; }

    /// <summary>ENABLED or DISABLED.</summary>
    public required string State { get; init; }

    public required string TargetArn { get; init; }

    /// <summary>Null when it runs no more (disabled, or a one-time schedule past its time).</summary>
    public DateTimeOffset? NextRun { get; init; }

    public ScheduleRun? LastRun { get; init; }

    /// <summary>Where what could not be started is written (JSON lines), and how many it holds from this schedule.</summary>
    public required string DeadLetterFile { get; init; }

    public int DeadLetters { get; init; }
}
