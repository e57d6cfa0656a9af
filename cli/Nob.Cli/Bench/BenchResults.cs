namespace Nob.Cli.Bench;

/// <summary>One <c>nob up</c> as the benchmark saw it: from its record, the endpoint's activity, and the clock around the process.</summary>
public sealed record UpRun(
    bool Succeeded,
    double ProcessSeconds,
    DateTimeOffset ExecutionStart,
    DateTimeOffset ExecutionStop,
    int StateTransitions,
    int Retries,
    IReadOnlyList<int> CreationChecks,
    IReadOnlyList<int> RebootChecks,
    IReadOnlyDictionary<string, int> Tasks,
    IReadOnlyDictionary<string, string> Payloads,
    IReadOnlyDictionary<string, double> StateSeconds,
    long PeakWorkingSetBytes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Requests,
    IReadOnlyList<BrokerPhase> Phases)
{
    public double ExecutionSeconds => (ExecutionStop - ExecutionStart).TotalSeconds;

    public int Calls(string service) => Requests.TryGetValue(service, out var ops) ? ops.Values.Sum() : 0;

    public TimeSpan Floor => BenchMath.Floor(Phases);

    public double? Ratio => BenchMath.Ratio(ExecutionStop - ExecutionStart, Floor);

    /// <summary>Time in the execution when no broker was starting or rebooting.</summary>
    public double WorkflowOnlySeconds => ExecutionSeconds - BenchMath.BusyTime(Phases, ExecutionStart, ExecutionStop).TotalSeconds;

    /// <summary>What the transition model of the ASL predicts from this run's checks; equal to <see cref="StateTransitions"/> when the model holds.</summary>
    /// (<see cref="CreationChecks"/> and <see cref="RebootChecks"/> hold the turns of the build's creation and reboot stages;
    /// each EnsureBroker task is one broker.)
    public int ModelTransitions => BenchMath.Transitions(Math.Max(1, Tasks.GetValueOrDefault("EnsureBrokerFunction")), Math.Max(1, CreationChecks.Sum()),
        Math.Max(1, RebootChecks.Sum()), Retries);
}

/// <summary>A network built twice: fresh, then converged.</summary>
public sealed record SizeResult(BenchNetwork Network, UpRun Build, UpRun Rerun);

/// <summary>One handler's cold start in a fresh <c>dotnet</c> process.</summary>
public sealed record ColdStart(
    string Harness,
    string Function,
    double SpawnToResponseMs,
    double RuntimeStartMs,
    double ConstructMs,
    double FirstInvokeMs,
    double? WarmInvokeMs,
    bool Succeeded,
    string? Error)
{
    /// <summary>Spawn → response of every run this entry summarizes (its numbers are the medians).</summary>
    public IReadOnlyList<double> Samples { get; init; } = [SpawnToResponseMs];

    /// <summary>Which of the bench's runs recorded the payload (build, converged re-run, drift, teardown).</summary>
    public string? PayloadFrom { get; init; }

    /// <summary>The medians of several runs of one handler with one harness; failed if any failed.</summary>
    public static ColdStart Median(IReadOnlyList<ColdStart> runs) =>
        new(runs[0].Harness, runs[0].Function,
            BenchMath.Median(runs.Select(r => r.SpawnToResponseMs)), BenchMath.Median(runs.Select(r => r.RuntimeStartMs)),
            BenchMath.Median(runs.Select(r => r.ConstructMs)), BenchMath.Median(runs.Select(r => r.FirstInvokeMs)),
            runs.All(r => r.WarmInvokeMs is not null) ? BenchMath.Median(runs.Select(r => r.WarmInvokeMs!.Value)) : null,
            runs.All(r => r.Succeeded), runs.Select(r => r.Error).FirstOrDefault(e => e is not null))
        { Samples = [.. runs.Select(r => r.SpawnToResponseMs)], PayloadFrom = runs[0].PayloadFrom };
}

/// <summary>Where the numbers came from.</summary>
public sealed record MachineInfo(int Processors, long MemoryBytes, string CpuModel, string LoadAverage, string Runtime, string Os)
{
    public static MachineInfo Current()
    {
        var memory = 0L;
        string cpu = "unknown", load = "unknown";
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null) memory = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            load = File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
        }
        return new MachineInfo(Environment.ProcessorCount, memory, cpu, load, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            System.Runtime.InteropServices.RuntimeInformation.OSDescription);
    }
}
