using Nob.StepFunctions;

namespace Nob.LocalCloud.Schedule;

/// <summary>
/// The template's schedules run by the endpoint: one <see cref="ScheduleRunner"/> per AWS::Scheduler::Schedule, read
/// with the parameter values <c>nob cloud</c> gives (<see cref="LocalWorkflowOptions.DriftRate"/> is the DriftCheckRate
/// parameter, <see cref="LocalWorkflowOptions.DriftScheduleEnabled"/> DriftCheckScheduleEnabled, as
/// <c>sam deploy --parameter-overrides</c> would set them).
/// </summary>
internal sealed class LocalSchedules : IAsyncDisposable
{
    public const string DriftRateParameter = "DriftCheckRate";
    public const string DriftEnabledParameter = "DriftCheckScheduleEnabled";

    private readonly IReadOnlyList<ScheduleRunner> _runners;

    private LocalSchedules(IReadOnlyList<ScheduleRunner> runners) => _runners = runners;

    public static LocalSchedules None { get; } = new([]);

    /// <summary>
    /// Reads every schedule of <paramref name="template"/>; a template value that cannot be resolved throws
    /// <see cref="StatesDefinitionException"/>, an expression EventBridge Scheduler refuses <see cref="ScheduleExpressionException"/>.
    /// </summary>
    public static LocalSchedules Create(SamTemplate template, LocalWorkflowOptions workflow, Func<string, string?, string, CancellationToken, Task<string>> start,
        string dataDirectory, TimeProvider clock, Action<string> log)
    {
        var schedules = template.Schedules(ParameterOverrides(workflow));
        return new LocalSchedules([.. schedules.Values.OrderBy(s => s.LogicalId, StringComparer.Ordinal)
            .Select(s => ScheduleRunner.Create(s, start, dataDirectory, clock, log))]);
    }

    public static IReadOnlyDictionary<string, string> ParameterOverrides(LocalWorkflowOptions workflow)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (workflow.DriftRate is { } rate)
        {
            overrides[DriftRateParameter] = rate;
        }

        if (workflow.DriftScheduleEnabled is { } enabled)
        {
            overrides[DriftEnabledParameter] = enabled ? "true" : "false";
        }

        return overrides;
    }

    public IReadOnlyList<ScheduleStatus> Statuses => [.. _runners.Select(r => r.Status)];

    public void Start()
    {
        foreach (var runner in _runners)
        {
            runner.Start();
        }
    }

    public async Task StopAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.DisposeAsync().ConfigureAwait(false);
        }
    }
}
