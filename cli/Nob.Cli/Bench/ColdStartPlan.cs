namespace Nob.Cli.Bench;

/// <summary>A handler invoked (not timed) after each timed run to undo what the run changed, so every run finds the same state.</summary>
public sealed record ColdStartRestore(string Function, string Payload);

/// <summary>
/// One handler the benchmark measures: the function (template.yaml's logical id), the payload a real run gave it and which
/// run that was. <see cref="Label"/> names the row (the check-drift's VerifyBridge is the VerifyFunction with another payload).
/// </summary>
public sealed record ColdStartCase(string Label, string Function, string PayloadFrom, string Payload)
{
    /// <summary>Invoke a second time in the same process (warm); off when the first invocation changes what the second would find.</summary>
    public bool Warm { get; init; } = true;

    /// <summary>One run per harness instead of N (the reboot: it takes a broker down for seconds).</summary>
    public bool Once { get; init; }

    /// <summary>After each run, wait until every broker is RUNNING again (the reboot).</summary>
    public bool WaitForBrokers { get; init; }

    public ColdStartRestore? Restore { get; init; }
}

/// <summary>A handler of template.yaml that the benchmark does not measure, and why.</summary>
public sealed record ColdStartSkip(string Function, string Reason);

/// <summary>
/// Which handler is measured with which recorded payload (the cold start: the time from a fresh process to the first response of
/// each handler). Payloads come from the bench's own runs on the size's network: the build, the converged re-run, an
/// in-sync <c>nob drift</c>, and the <c>nob down</c> that removes it (whose handlers are measured against the network
/// built again, <see cref="Teardown"/>).
/// </summary>
public static class ColdStartPlan
{
    public const string Build = "build", Rerun = "converged re-run", Drift = "drift", Teardown = "teardown", Rebuild = "rebuild";

    public const string RebootBroker = "RebootBrokerFunction", CheckConverged = "CheckConvergedFunction", StoreNetwork = "StoreNetworkFunction",
        Verify = "VerifyFunction", OpenIngress = "OpenIngressFunction", ListNetworks = "ListNetworksFunction", CheckDrift = "CheckDriftFunction",
        ReportDrift = "ReportDriftFunction", PlanTeardown = "PlanTeardownFunction", RevokeIngress = "RevokeIngressFunction",
        TeardownBroker = "TeardownBrokerFunction", FinishTeardown = "FinishTeardownFunction", Api = "ApiFunction";

    /// <summary>The check-drift's VerifyBridge state runs the VerifyFunction with a payload of its own.</summary>
    public const string VerifyBridgeLabel = "VerifyFunction (VerifyBridge)";

    /// <summary>Handlers never measured, whatever was recorded, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NeverMeasured = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [TeardownBroker] = "its first turn deletes a broker (later turns only poll a broker being deleted): every run would need a broker built again",
        [Api] = "it needs Step Functions (GET /networks/{name} lists executions alongside the record read, even when no record is stored; POST starts one), which the local endpoint does not serve",
    };

    /// <summary>
    /// Measured before the network is removed, in <paramref name="functions"/>' order: the build's handlers with the build's
    /// payloads, CheckConverged and StoreNetwork with the converged re-run's (the full comparison; the build's check stops at
    /// the first missing broker), the check-drift's handlers with the drift run's (when there was one), the reboot last.
    /// </summary>
    public static IReadOnlyList<ColdStartCase> BeforeTeardown(IReadOnlyList<string> functions, IReadOnlyDictionary<string, string> build,
        IReadOnlyDictionary<string, string> rerun, IReadOnlyDictionary<string, string>? drift)
    {
        var cases = new List<ColdStartCase>();
        foreach (var f in functions)
        {
            if (NeverMeasured.ContainsKey(f)) continue;
            if (f is CheckConverged or StoreNetwork)
            {
                if (rerun.TryGetValue(f, out var fromRerun)) cases.Add(new ColdStartCase(f, f, Rerun, fromRerun));
                else if (build.TryGetValue(f, out var fromBuild)) cases.Add(new ColdStartCase(f, f, Build, fromBuild));
            }
            else if (build.TryGetValue(f, out var payload))
            {
                cases.Add(f == RebootBroker
                    ? new ColdStartCase(f, f, Build, payload) { Warm = false, Once = true, WaitForBrokers = true }
                    : new ColdStartCase(f, f, Build, payload));
            }
            if (drift is null) continue;
            if (f == Verify && drift.TryGetValue(f, out var bridge)) cases.Add(new ColdStartCase(VerifyBridgeLabel, f, Drift, bridge));
            else if (f != Verify && !build.ContainsKey(f) && drift.TryGetValue(f, out var fromDrift)) cases.Add(new ColdStartCase(f, f, Drift, fromDrift));
        }
        return [.. cases.OrderBy(c => c.Once)];
    }

    /// <summary>
    /// Measured against the network built again after the <c>nob down</c> that recorded <paramref name="teardown"/>:
    /// PlanTeardown only reads; RevokeIngress and FinishTeardown change the network, so each run is followed by the handler
    /// that undoes it with the rebuild's payload (OpenIngress adds the rules back, StoreNetwork the record) and has no warm
    /// invocation. TeardownBroker is not measured (<see cref="NeverMeasured"/>).
    /// </summary>
    public static IReadOnlyList<ColdStartCase> AfterTeardown(IReadOnlyList<string> functions, IReadOnlyDictionary<string, string> teardown,
        IReadOnlyDictionary<string, string> rebuild)
    {
        var cases = new List<ColdStartCase>();
        foreach (var f in functions)
        {
            if (!teardown.TryGetValue(f, out var payload)) continue;
            switch (f)
            {
                case PlanTeardown:
                    cases.Add(new ColdStartCase(f, f, Teardown, payload));
                    break;
                case RevokeIngress when rebuild.TryGetValue(OpenIngress, out var open):
                    cases.Add(new ColdStartCase(f, f, Teardown, payload) { Warm = false, Restore = new ColdStartRestore(OpenIngress, open) });
                    break;
                case FinishTeardown when rebuild.TryGetValue(StoreNetwork, out var store):
                    cases.Add(new ColdStartCase(f, f, Teardown, payload) { Warm = false, Restore = new ColdStartRestore(StoreNetwork, store) });
                    break;
            }
        }
        return cases;
    }

    /// <summary>Every function of the template no case measures, with the reason.</summary>
    public static IReadOnlyList<ColdStartSkip> NotMeasured(IReadOnlyList<string> functions, IEnumerable<ColdStartCase> measured, bool teardownMeasured)
    {
        var done = measured.Select(c => c.Function).ToHashSet(StringComparer.Ordinal);
        return [.. functions.Where(f => !done.Contains(f)).Select(f => new ColdStartSkip(f, NeverMeasured.TryGetValue(f, out var why) ? why
            : f is PlanTeardown or RevokeIngress or FinishTeardown && !teardownMeasured ? "the teardown's handlers were not measured in this run (the network was not built again after nob down)"
            : "no payload was recorded for it (its state did not run in the build, the re-run, the drift check or the teardown)"))];
    }
}
