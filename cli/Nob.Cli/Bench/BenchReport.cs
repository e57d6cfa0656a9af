using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nob.Cli.Bench;

/// <summary>The benchmark's results as JSON (<c>--json</c>) and as Markdown tables ready for the README.</summary>
public static class BenchReport
{
    /// <summary>The performance targets the report checks.</summary>
    public const double RatioTarget = 1.10;
    /// <summary>A converged re-run up to this many brokers (a 21-broker mesh) within <see cref="SmallRerunSecondsTarget"/>, larger ones within <see cref="LargeRerunSecondsTarget"/>.</summary>
    public const int SmallNetworkBrokers = 21;
    public const double SmallRerunSecondsTarget = 3;
    public const double LargeRerunSecondsTarget = 5;
    public const int RerunTransitionsTarget = 40;
    public const double MqCallsPerBrokerTarget = 40;
    public const double AwsRatioTarget = 1.02;

    /// <summary>The converged re-run's target for a network of this many brokers.</summary>
    public static double RerunSecondsTarget(int brokers) => brokers <= SmallNetworkBrokers ? SmallRerunSecondsTarget : LargeRerunSecondsTarget;

    public static JsonObject Build(MachineInfo machine, string loadAverageAtEnd, IReadOnlyList<SizeResult> results, IReadOnlyList<ColdStart> coldStarts,
        IReadOnlyList<(string Network, int Brokers, int Rebooted, AwsEstimate Estimate)> aws, IReadOnlyList<ColdStartSkip> coldStartsNotMeasured,
        IReadOnlyList<(string When, string LoadAverage)> coldStartLoadAverages)
    {
        var sizes = new JsonArray();
        foreach (var r in results)
        {
            var b = r.Build;
            sizes.Add(new JsonObject
            {
                ["size"] = r.Network.Size,
                ["topology"] = r.Network.Topology,
                ["brokers"] = r.Network.Brokers.Count,
                ["build"] = new JsonObject
                {
                    ["executionSeconds"] = Round(b.ExecutionSeconds, 2),
                    ["processSeconds"] = Round(b.ProcessSeconds, 2),
                    ["floorSeconds"] = Round(b.Floor.TotalSeconds, 2),
                    ["slowestStartSeconds"] = Round(BenchMath.Slowest(b.Phases, BrokerPhase.Start).TotalSeconds, 2),
                    ["slowestRebootSeconds"] = Round(BenchMath.Slowest(b.Phases, BrokerPhase.Reboot).TotalSeconds, 2),
                    ["ratio"] = b.Ratio is { } ratio ? Round(ratio, 2) : null,
                    ["workflowOnlySeconds"] = Round(b.WorkflowOnlySeconds, 2),
                    ["stateTransitions"] = b.StateTransitions,
                    ["modelTransitions"] = b.ModelTransitions,
                    ["retries"] = b.Retries,
                    ["costDollars"] = BenchMath.StepFunctionsCost(b.StateTransitions),
                    ["mqCalls"] = b.Calls("mq"),
                    ["ec2Calls"] = b.Calls("ec2"),
                    ["ssmCalls"] = b.Calls("ssm"),
                    ["requests"] = Requests(b),
                    ["peakWorkingSetMiB"] = Round(b.PeakWorkingSetBytes / 1048576.0, 1),
                    ["creationChecks"] = new JsonArray([.. b.CreationChecks.Select(k => (JsonNode)k)]),
                    ["rebootChecks"] = new JsonArray([.. b.RebootChecks.Select(k => (JsonNode)k)]),
                    ["tasks"] = new JsonObject(b.Tasks.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                    ["stateSeconds"] = StateSeconds(b),
                    ["phases"] = new JsonArray([.. b.Phases.Select(p => (JsonNode)new JsonObject
                    {
                        ["broker"] = p.Broker,
                        ["kind"] = p.Kind,
                        ["atSeconds"] = Round((p.Began - b.ExecutionStart).TotalSeconds, 2),
                        ["seconds"] = Round(p.Duration.TotalSeconds, 2),
                    })]),
                },
                ["rerun"] = new JsonObject
                {
                    ["processSeconds"] = Round(r.Rerun.ProcessSeconds, 2),
                    ["executionSeconds"] = Round(r.Rerun.ExecutionSeconds, 2),
                    ["stateTransitions"] = r.Rerun.StateTransitions,
                    ["mqCalls"] = r.Rerun.Calls("mq"),
                    ["requests"] = Requests(r.Rerun),
                    ["peakWorkingSetMiB"] = Round(r.Rerun.PeakWorkingSetBytes / 1048576.0, 1),
                    ["tasks"] = new JsonObject(r.Rerun.Tasks.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                    ["stateSeconds"] = StateSeconds(r.Rerun),
                },
            });
        }

        var report = new JsonObject
        {
            ["machine"] = new JsonObject
            {
                ["processors"] = machine.Processors,
                ["memoryGiB"] = Round(machine.MemoryBytes / 1073741824.0, 1),
                ["cpu"] = machine.CpuModel,
                ["loadAverageAtStart"] = machine.LoadAverage,
                ["loadAverageAtEnd"] = loadAverageAtEnd,
                ["runtime"] = machine.Runtime,
                ["os"] = machine.Os,
            },
            ["sizes"] = sizes,
        };
        if (results.Select(r => r.Network.Brokers.Count).Distinct().Count() >= 2)
        {
            report["transitionsFit"] = FitJson(BenchMath.Fit([.. results.Select(r => ((double)r.Network.Brokers.Count, (double)r.Build.StateTransitions))]));
            report["rerunTransitionsFit"] = FitJson(BenchMath.Fit([.. results.Select(r => ((double)r.Network.Brokers.Count, (double)r.Rerun.StateTransitions))]));
            report["mqCallsFit"] = FitJson(BenchMath.Fit([.. results.Select(r => ((double)r.Network.Brokers.Count, (double)r.Build.Calls("mq")))]));
        }
        report["targets"] = Targets(results, aws);
        report["awsModel"] = "brokers created in parallel (ready after 15 min unless the row says otherwise), the rebooted ones in parallel (5 min), every broker created at once, then one creation stage and one reboot stage that check every broker per turn (reboots all at once for a new network, 10 at a time for a live one), each wait loop checking when a spec without polling settings does (PollPlan: half the expected time, then halving towards it, at most 30 s apart, never closer than brokers / 5 requests/s; no lingering), 10 s of task time";
        report["awsEstimates"] = new JsonArray([.. aws.Select(a => (JsonNode)new JsonObject
        {
            ["network"] = a.Network,
            ["brokers"] = a.Brokers,
            ["rebooted"] = a.Rebooted,
            ["floorMinutes"] = Round(a.Estimate.Floor.TotalMinutes, 2),
            ["wallMinutes"] = Round(a.Estimate.Wall.TotalMinutes, 2),
            ["ratio"] = Round(a.Estimate.Ratio, 3),
            ["stateTransitions"] = a.Estimate.Transitions,
            ["costDollars"] = a.Estimate.Cost,
            ["creationChecksPerBroker"] = a.Estimate.CreationChecks,
            ["rebootChecks"] = a.Estimate.RebootChecks,
            ["historyEvents"] = a.Estimate.HistoryEvents,
            ["historyEventsQuota"] = AwsEstimate.HistoryEventsQuota,
            ["creationWaves"] = a.Estimate.CreationWaves,
            ["transitionsPerBroker"] = Round((double)a.Estimate.Transitions / a.Brokers, 1),
        })]);
        report["coldStarts"] = new JsonArray([.. coldStarts.Select(c => (JsonNode)new JsonObject
        {
            ["harness"] = c.Harness,
            ["function"] = c.Function,
            ["payloadFrom"] = c.PayloadFrom,
            ["spawnToResponseMs"] = Round(c.SpawnToResponseMs, 0),
            ["spawnToResponseSamplesMs"] = new JsonArray([.. c.Samples.Select(v => (JsonNode)Round(v, 0))]),
            ["runtimeStartMs"] = Round(c.RuntimeStartMs, 0),
            ["constructMs"] = Round(c.ConstructMs, 0),
            ["firstInvokeMs"] = Round(c.FirstInvokeMs, 0),
            ["warmInvokeMs"] = c.WarmInvokeMs is { } w ? Round(w, 1) : null,
            ["succeeded"] = c.Succeeded,
            ["error"] = c.Error,
        })]);
        report["coldStartLoadAverages"] = new JsonArray([.. coldStartLoadAverages.Select(l => (JsonNode)new JsonObject { ["when"] = l.When, ["loadAverage"] = l.LoadAverage })]);
        report["coldStartsNotMeasured"] = new JsonArray([.. coldStartsNotMeasured.Select(n => (JsonNode)new JsonObject { ["function"] = n.Function, ["reason"] = n.Reason })]);
        return report;
    }

    static JsonObject Requests(UpRun run) =>
        new(run.Requests.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonObject(s.Value.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value))))));

    static JsonObject StateSeconds(UpRun run) => new(run.StateSeconds.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)Math.Round(s.Value, 2))));

    static JsonObject FitJson(LinearFit fit) => new() { ["slope"] = Round(fit.Slope, 2), ["intercept"] = Round(fit.Intercept, 2), ["rSquared"] = Round(fit.RSquared, 4) };

    internal static JsonArray Targets(IReadOnlyList<SizeResult> results, IReadOnlyList<(string Network, int Brokers, int Rebooted, AwsEstimate Estimate)> aws)
    {
        var targets = new JsonArray();
        foreach (var r in results)
        {
            var brokers = r.Network.Brokers.Count;
            targets.Add(Target($"{r.Network.Size}: total <= {RatioTarget:0.00} x floor", r.Build.Ratio is { } ratio && ratio <= RatioTarget,
                $"{r.Build.ExecutionSeconds:0.0} s / {r.Build.Floor.TotalSeconds:0.0} s = {r.Build.Ratio:0.00}"));
            var rerunTarget = RerunSecondsTarget(brokers);
            targets.Add(Target($"{r.Network.Size}: converged re-run <= {rerunTarget} s", r.Rerun.ProcessSeconds <= rerunTarget,
                $"{r.Rerun.ProcessSeconds:0.0} s (process), {r.Rerun.ExecutionSeconds:0.0} s (execution)"));
            targets.Add(Target($"{r.Network.Size}: converged re-run <= {RerunTransitionsTarget} transitions", r.Rerun.StateTransitions <= RerunTransitionsTarget,
                $"{r.Rerun.StateTransitions} (the fast path: {BenchMath.ConvergedTransitions(brokers)} whatever the size)"));
            var perBroker = (double)r.Build.Calls("mq") / brokers;
            targets.Add(Target($"{r.Network.Size}: build <= {MqCallsPerBrokerTarget} Amazon MQ calls per broker", perBroker <= MqCallsPerBrokerTarget,
                $"{r.Build.Calls("mq")} calls / {brokers} brokers = {perBroker:0.0}"));
        }
        foreach (var a in aws)
        {
            targets.Add(Target($"AWS model {a.Network}: wall <= {AwsRatioTarget:0.00} x floor", a.Estimate.Ratio <= AwsRatioTarget,
                $"{a.Estimate.Wall.TotalMinutes:0.0} min / {a.Estimate.Floor.TotalMinutes:0.0} min = {a.Estimate.Ratio:0.000}"));
        }
        return targets;
    }

    static JsonObject Target(string name, bool met, string detail) => new() { ["target"] = name, ["met"] = met, ["detail"] = detail };

    static double Round(double value, int digits) => Math.Round(value, digits);

    /// <summary>Markdown: the machine, the main table, the fits, the targets, the AWS estimate, the cold starts.</summary>
    public static string Text(JsonObject report)
    {
        var t = new StringBuilder();
        var m = report["machine"]!;
        if ((string?)report["recordedAt"] is { } recordedAt) t.AppendLine($"Recorded at {recordedAt}.");
        t.AppendLine(Inv($"Machine: {(int)m["processors"]!} CPUs ({(string?)m["cpu"]}), {(double)m["memoryGiB"]!:0.0} GiB, {(string?)m["runtime"]}; load average (1/5/15 min) at start {(string?)m["loadAverageAtStart"]}, at end {(string?)m["loadAverageAtEnd"]}"));
        t.AppendLine();
        t.AppendLine("| network | brokers | build (s) | floor (s) = start + reboot | ratio | ratio without Verify | workflow-only (s) | transitions (model) | cost | MQ calls (per broker) | EC2 / SSM calls | peak WS (MiB) | re-run (s) | re-run transitions | re-run MQ calls |");
        t.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report["sizes"]!.AsArray())
        {
            var b = s!["build"]!;
            var r = s["rerun"]!;
            var floor = (double)b["floorSeconds"]!;
            var withoutVerify = floor > 0 ? ((double)b["executionSeconds"]! - ((double?)b["stateSeconds"]?["Verify"] ?? 0)) / floor : (double?)null;
            t.AppendLine(Inv($"| {(string?)s["size"]} ({(string?)s["topology"]}) | {(int)s["brokers"]!} | {(double)b["executionSeconds"]!:0.0} | {floor:0.0} = {(double)b["slowestStartSeconds"]!:0.0} + {(double)b["slowestRebootSeconds"]!:0.0} | {(double?)b["ratio"]:0.00} | {withoutVerify:0.00} | {(double)b["workflowOnlySeconds"]!:0.0} | {(int)b["stateTransitions"]!} ({(int)b["modelTransitions"]!}) | ${(decimal)b["costDollars"]!:0.0000} | {(int)b["mqCalls"]!} ({(double)(int)b["mqCalls"]! / (int)s["brokers"]!:0.0}) | {(int)b["ec2Calls"]!} / {(int)b["ssmCalls"]!} | {(double)b["peakWorkingSetMiB"]!:0} | {(double)r["processSeconds"]!:0.0} | {(int)r["stateTransitions"]!} | {(int)r["mqCalls"]!} |"));
        }
        t.AppendLine();
        t.AppendLine("| network | EnsureBrokers (s) | WriteRevisions (s) | Verify (s) | other states (s) | re-run: EnsureBrokers / WriteRevisions / Verify (s) |");
        t.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var s in report["sizes"]!.AsArray())
        {
            var b = s!["build"]!;
            var bs = b["stateSeconds"]!.AsObject();
            var rs = s["rerun"]!["stateSeconds"]!.AsObject();
            double Of(JsonObject o, string name) => (double?)o[name] ?? 0;
            var other = (double)b["executionSeconds"]! - Of(bs, "EnsureBrokers") - Of(bs, "WriteRevisions") - Of(bs, "Verify");
            t.AppendLine(Inv($"| {(string?)s["size"]} | {Of(bs, "EnsureBrokers"):0.0} | {Of(bs, "WriteRevisions"):0.0} | {Of(bs, "Verify"):0.0} | {other:0.0} | {Of(rs, "EnsureBrokers"):0.0} / {Of(rs, "WriteRevisions"):0.0} / {Of(rs, "Verify"):0.0} |"));
        }
        t.AppendLine();
        if (report["transitionsFit"] is { } fit)
        {
            t.AppendLine(Inv($"State transitions of a build ≈ {(double)fit["slope"]!:0.0} × brokers + {(double)fit["intercept"]!:0.0} (R² {(double)fit["rSquared"]!:0.000}); converged re-run ≈ {(double)report["rerunTransitionsFit"]!["slope"]!:0.0} × brokers + {(double)report["rerunTransitionsFit"]!["intercept"]!:0.0}; Amazon MQ calls of a build ≈ {(double)report["mqCallsFit"]!["slope"]!:0.0} × brokers + {(double)report["mqCallsFit"]!["intercept"]!:0.0} (R² {(double)report["mqCallsFit"]!["rSquared"]!:0.000})."));
            t.AppendLine();
        }
        t.AppendLine("Targets:");
        foreach (var target in report["targets"]!.AsArray())
            t.AppendLine($"- {((bool)target!["met"]! ? "met" : "NOT met")}: {(string?)target["target"]} ({(string?)target["detail"]})");
        t.AppendLine();
        t.AppendLine($"AWS estimates from the same model ({(string?)report["awsModel"]}):");
        t.AppendLine();
        t.AppendLine("| network | brokers (rebooted) | creations started at once | floor (min) | wall (min) | ratio | transitions (per broker) | history events (of 25,000) | cost |");
        t.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var a in report["awsEstimates"]!.AsArray())
        {
            var brokers = (int)a!["brokers"]!;
            var atOnce = (int?)a["creationWaves"] is { } waves ? (waves == 1 ? $"all {brokers}" : $"{(brokers + waves - 1) / waves} ({waves} waves)") : "–";
            t.AppendLine(Inv($"| {(string?)a["network"]} | {brokers} ({(int)a["rebooted"]!}) | {atOnce} | {(double)a["floorMinutes"]!:0.0} | {(double)a["wallMinutes"]!:0.0} | {(double)a["ratio"]!:0.00} | {(int)a["stateTransitions"]!} ({(double?)a["transitionsPerBroker"] ?? 0:0.0}) | {(int?)a["historyEvents"] ?? 0:N0} ({100.0 * ((int?)a["historyEvents"] ?? 0) / AwsEstimate.HistoryEventsQuota:0.0} %) | ${(decimal)a["costDollars"]!:0.0000} |"));
        }
        var cold = report["coldStarts"]!.AsArray();
        if (cold.Count > 0)
        {
            t.AppendLine();
            t.AppendLine("Cold starts (medians of fresh processes per handler):");
            if (report["coldStartLoadAverages"] is JsonArray { Count: > 0 } loads)
                t.AppendLine($"Load average (1/5/15 min) while measuring: {string.Join("; ", loads.Select(l => $"{(string?)l!["when"]} {string.Join(' ', ((string?)l["loadAverage"] ?? "").Split(' ').Take(3))}"))}");
            t.AppendLine();
            t.Append(ColdStartTable(cold));
            t.AppendLine();
            t.AppendLine("| harness | handler | spawn → response (ms) | runtime start (ms) | construct (ms) | first invoke (ms) | warm invoke (ms) |");
            t.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var c in cold)
                t.AppendLine(Inv($"| {(string?)c!["harness"]} | {(string?)c["function"]} | {(double)c["spawnToResponseMs"]!:0} | {(double)c["runtimeStartMs"]!:0} | {(double)c["constructMs"]!:0} | {(double)c["firstInvokeMs"]!:0} | {((double?)c["warmInvokeMs"] is { } w ? w.ToString("0.0", CultureInfo.InvariantCulture) : "–")} |{((bool)c["succeeded"]! ? "" : $" failed: {(string?)c["error"]}")}"));
        }
        if (report["coldStartsNotMeasured"] is JsonArray { Count: > 0 } skipped)
        {
            t.AppendLine();
            t.AppendLine("Handlers not measured:");
            foreach (var n in skipped) t.AppendLine($"- {(string?)n!["function"]}: {(string?)n["reason"]}");
        }
        return t.ToString();
    }

    /// <summary>
    /// One row per handler (in the order measured), per harness its spawn → response and first invoke, then each harness's
    /// warm invoke; the runs per harness and where the payload came from. A failed measurement says so in its cells.
    /// </summary>
    public static string ColdStartTable(JsonArray coldStarts)
    {
        var entries = coldStarts.Select(c => c!.AsObject()).ToList();
        var harnesses = entries.Select(c => (string)c["harness"]!).Distinct(StringComparer.Ordinal).ToList();
        var handlers = entries.Select(c => (string)c["function"]!).Distinct(StringComparer.Ordinal).ToList();
        var t = new StringBuilder();
        t.Append("| handler | payload from | runs |");
        foreach (var h in harnesses) t.Append($" {h}: spawn → response (ms) | {h}: first invoke (ms) |");
        foreach (var h in harnesses) t.Append($" {h}: warm invoke (ms) |");
        t.AppendLine();
        t.Append("|---|---|---:|");
        t.Append(string.Concat(Enumerable.Repeat("---:|---:|---:|", harnesses.Count)));
        t.AppendLine();
        foreach (var handler in handlers)
        {
            var mine = harnesses.Select(h => entries.FirstOrDefault(c => (string)c["function"]! == handler && (string)c["harness"]! == h)).ToList();
            var any = mine.First(c => c is not null)!;
            var runs = mine.Where(c => c is not null).Select(c => c!["spawnToResponseSamplesMs"]?.AsArray().Count ?? 1).Distinct().ToList();
            t.Append(Inv($"| {handler} | {(string?)any["payloadFrom"] ?? "–"} | {string.Join("/", runs)} |"));
            foreach (var c in mine)
                t.Append(c is null ? " – | – |" : (bool)c["succeeded"]! ? Inv($" {(double)c["spawnToResponseMs"]!:0} | {(double)c["firstInvokeMs"]!:0} |") : " failed | failed |");
            foreach (var c in mine)
                t.Append(c is not null && (bool)c["succeeded"]! && (double?)c["warmInvokeMs"] is { } warm ? Inv($" {warm:0.0} |") : " – |");
            t.AppendLine();
        }
        return t.ToString();
    }

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
