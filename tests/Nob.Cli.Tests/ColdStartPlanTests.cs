using System.Text.Json.Nodes;
using Nob.Cli.Bench;

namespace Nob.Cli.Tests;

public class ColdStartPlanTests
{
    /// <summary>template.yaml's functions, in its order.</summary>
    static readonly IReadOnlyList<string> Functions =
    [
        "ValidateFunction", "EnsureBrokerFunction", "BrokerStateFunction", "CheckConvergedFunction", "PlanNetworkFunction", "OpenIngressFunction",
        "WriteConnectorRevisionFunction", "RebootBrokerFunction", "VerifyFunction", "SummarizeFunction", "StoreNetworkFunction", "ListNetworksFunction",
        "CheckDriftFunction", "ReportDriftFunction", "PlanTeardownFunction", "RevokeIngressFunction", "TeardownBrokerFunction", "FinishTeardownFunction",
        "ApiFunction",
    ];

    static Dictionary<string, string> Payloads(string from, params string[] functions) =>
        functions.ToDictionary(f => f, f => $"{{\"{from}\":\"{f}\"}}", StringComparer.Ordinal);

    static readonly Dictionary<string, string> Build = Payloads("build", "ValidateFunction", "CheckConvergedFunction", "EnsureBrokerFunction", "BrokerStateFunction",
        "PlanNetworkFunction", "OpenIngressFunction", "WriteConnectorRevisionFunction", "RebootBrokerFunction", "VerifyFunction", "StoreNetworkFunction", "SummarizeFunction");
    static readonly Dictionary<string, string> Rerun = Payloads("rerun", "ValidateFunction", "CheckConvergedFunction", "VerifyFunction", "StoreNetworkFunction", "SummarizeFunction");
    static readonly Dictionary<string, string> Drift = Payloads("drift", "ListNetworksFunction", "CheckDriftFunction", "VerifyFunction", "ReportDriftFunction");
    static readonly Dictionary<string, string> Teardown = Payloads("teardown", "PlanTeardownFunction", "RevokeIngressFunction", "TeardownBrokerFunction", "FinishTeardownFunction");

    [Fact]
    public void BeforeTeardown_ConvergedHandlers_UseTheRerunsPayloads()
    {
        var cases = ColdStartPlan.BeforeTeardown(Functions, Build, Rerun, Drift);

        Assert.Equal(Rerun["CheckConvergedFunction"], cases.Single(c => c.Function == "CheckConvergedFunction").Payload);
        Assert.Equal(ColdStartPlan.Rerun, cases.Single(c => c.Function == "StoreNetworkFunction").PayloadFrom);
        Assert.Equal(Build["ValidateFunction"], cases.Single(c => c.Function == "ValidateFunction").Payload);
    }

    [Fact]
    public void BeforeTeardown_WithDrift_AddsTheCheckDriftHandlersAndVerifyBridgeAsItsOwnRow()
    {
        var cases = ColdStartPlan.BeforeTeardown(Functions, Build, Rerun, Drift);

        Assert.Equal(["ListNetworksFunction", "CheckDriftFunction", "ReportDriftFunction"],
            cases.Where(c => c.PayloadFrom == ColdStartPlan.Drift && c.Function != "VerifyFunction").Select(c => c.Function));
        var verify = cases.Where(c => c.Function == "VerifyFunction").ToList();
        Assert.Equal(["VerifyFunction", ColdStartPlan.VerifyBridgeLabel], verify.Select(c => c.Label));
        Assert.Equal(Drift["VerifyFunction"], verify[1].Payload);
        Assert.Equal(cases.Count, cases.Select(c => c.Label).Distinct().Count());
    }

    [Fact]
    public void BeforeTeardown_WithoutDrift_MeasuresOnlyTheBuildAndRerunHandlers()
    {
        var cases = ColdStartPlan.BeforeTeardown(Functions, Build, Rerun, drift: null);

        Assert.Equal(11, cases.Count);
        Assert.DoesNotContain(cases, c => c.PayloadFrom == ColdStartPlan.Drift);
    }

    [Fact]
    public void BeforeTeardown_Reboot_IsLastOnceWithoutWarmAndWaitsForTheBrokers()
    {
        var cases = ColdStartPlan.BeforeTeardown(Functions, Build, Rerun, Drift);

        var reboot = cases[^1];
        Assert.Equal("RebootBrokerFunction", reboot.Function);
        Assert.True(reboot.Once);
        Assert.False(reboot.Warm);
        Assert.True(reboot.WaitForBrokers);
        Assert.All(cases.SkipLast(1), c => Assert.False(c.Once || c.WaitForBrokers));
    }

    [Fact]
    public void BeforeTeardown_TeardownAndApiHandlers_AreNeverPlanned()
    {
        var everything = Payloads("all", [.. Functions]);

        var cases = ColdStartPlan.BeforeTeardown(Functions, everything, Rerun, Drift);

        Assert.DoesNotContain(cases, c => c.Function is "TeardownBrokerFunction" or "ApiFunction");
    }

    [Fact]
    public void AfterTeardown_DestructiveHandlers_AreRestoredWithTheRebuildsPayloadsAndHaveNoWarmRun()
    {
        var rebuild = Payloads("rebuild", "OpenIngressFunction", "StoreNetworkFunction");

        var cases = ColdStartPlan.AfterTeardown(Functions, Teardown, rebuild);

        Assert.Equal(["PlanTeardownFunction", "RevokeIngressFunction", "FinishTeardownFunction"], cases.Select(c => c.Function));
        Assert.True(cases[0].Warm);
        Assert.Null(cases[0].Restore);
        Assert.Equal(new ColdStartRestore("OpenIngressFunction", rebuild["OpenIngressFunction"]), cases[1].Restore);
        Assert.Equal(new ColdStartRestore("StoreNetworkFunction", rebuild["StoreNetworkFunction"]), cases[2].Restore);
        Assert.All(cases.Skip(1), c => Assert.False(c.Warm));
        Assert.All(cases, c => Assert.Equal(Teardown[c.Function], c.Payload));
    }

    [Fact]
    public void AfterTeardown_NoRestorePayload_LeavesTheDestructiveHandlerOut()
    {
        var cases = ColdStartPlan.AfterTeardown(Functions, Teardown, Payloads("rebuild", "StoreNetworkFunction"));

        Assert.Equal(["PlanTeardownFunction", "FinishTeardownFunction"], cases.Select(c => c.Function));
    }

    [Fact]
    public void NotMeasured_EverythingPlanned_NamesTeardownBrokerAndApiWithTheirReasons()
    {
        var measured = ColdStartPlan.BeforeTeardown(Functions, Build, Rerun, Drift)
            .Concat(ColdStartPlan.AfterTeardown(Functions, Teardown, Payloads("rebuild", "OpenIngressFunction", "StoreNetworkFunction")));

        var skipped = ColdStartPlan.NotMeasured(Functions, measured, teardownMeasured: true);

        Assert.Equal(["TeardownBrokerFunction", "ApiFunction"], skipped.Select(s => s.Function));
        Assert.Contains("deletes a broker", skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("Step Functions", skipped[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NotMeasured_TeardownNotMeasuredAndNoDrift_SaysWhyForEach()
    {
        var skipped = ColdStartPlan.NotMeasured(Functions, ColdStartPlan.BeforeTeardown(Functions, Build, Rerun, drift: null), teardownMeasured: false);

        Assert.Equal(["ListNetworksFunction", "CheckDriftFunction", "ReportDriftFunction", "PlanTeardownFunction", "RevokeIngressFunction", "TeardownBrokerFunction",
            "FinishTeardownFunction", "ApiFunction"], skipped.Select(s => s.Function));
        Assert.Contains("no payload was recorded", skipped.Single(s => s.Function == "CheckDriftFunction").Reason, StringComparison.Ordinal);
        Assert.Contains("not built again", skipped.Single(s => s.Function == "PlanTeardownFunction").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Payloads_RecordOfAnExecution_GivesEachFunctionsPayload()
    {
        var record = JsonNode.Parse("""{"status":"SUCCEEDED","payloads":{"PlanTeardownFunction":"{\"networkName\":\"n\"}"}}""")!;

        var payloads = ExecutionRecord.Payloads(record);

        Assert.Equal("""{"networkName":"n"}""", Assert.Single(payloads).Value);
    }

    [Fact]
    public void Payloads_RecordWithoutPayloads_IsEmpty() =>
        Assert.Empty(ExecutionRecord.Payloads(JsonNode.Parse("""{"status":"FAILED"}""")!));
}
