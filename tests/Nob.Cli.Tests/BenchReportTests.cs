using System.Text.Json.Nodes;
using Nob.Cli.Bench;
using Nob.Core.Specs;

namespace Nob.Cli.Tests;

public class BenchReportTests
{
    static JsonNode Entry(string harness, string function, double spawn, double first, double? warm, int runs = 5, bool succeeded = true, string from = "build") => new JsonObject
    {
        ["harness"] = harness,
        ["function"] = function,
        ["payloadFrom"] = from,
        ["spawnToResponseMs"] = spawn,
        ["spawnToResponseSamplesMs"] = new JsonArray([.. Enumerable.Repeat(spawn, runs).Select(v => (JsonNode)v)]),
        ["runtimeStartMs"] = 40,
        ["constructMs"] = 5,
        ["firstInvokeMs"] = first,
        ["warmInvokeMs"] = warm,
        ["succeeded"] = succeeded,
        ["error"] = succeeded ? null : "boom",
    };

    [Fact]
    public void ColdStartTable_TwoHarnesses_OneRowPerHandlerWithEachHarnessesColumns()
    {
        var table = BenchReport.ColdStartTable(new JsonArray(
            Entry("nob.dll (JIT)", "ValidateFunction", 103, 48, 2.4), Entry("r2r/nob.dll", "ValidateFunction", 80, 31, 2.6),
            Entry("nob.dll (JIT)", "RebootBrokerFunction", 288, 186, null, runs: 1), Entry("r2r/nob.dll", "RebootBrokerFunction", 230, 142, null, runs: 1)));

        var lines = table.TrimEnd().Split('\n');
        Assert.Equal("| handler | payload from | runs | nob.dll (JIT): spawn → response (ms) | nob.dll (JIT): first invoke (ms) | r2r/nob.dll: spawn → response (ms) | r2r/nob.dll: first invoke (ms) | nob.dll (JIT): warm invoke (ms) | r2r/nob.dll: warm invoke (ms) |", lines[0]);
        Assert.Equal("|---|---|---:|---:|---:|---:|---:|---:|---:|", lines[1]);
        Assert.Equal("| ValidateFunction | build | 5 | 103 | 48 | 80 | 31 | 2.4 | 2.6 |", lines[2]);
        Assert.Equal("| RebootBrokerFunction | build | 1 | 288 | 186 | 230 | 142 | – | – |", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void ColdStartTable_FailedOrMissingHarness_SaysSoInItsCells()
    {
        var table = BenchReport.ColdStartTable(new JsonArray(
            Entry("nob.dll (JIT)", "CheckDriftFunction", 300, 200, 5, succeeded: false, from: "drift"),
            Entry("nob.dll (JIT)", "ListNetworksFunction", 200, 100, 3, from: "drift"), Entry("r2r/nob.dll", "ListNetworksFunction", 150, 70, 3.5, from: "drift")));

        var lines = table.TrimEnd().Split('\n');
        Assert.Equal("| CheckDriftFunction | drift | 5 | failed | failed | – | – | – | – |", lines[2]);
        Assert.Equal("| ListNetworksFunction | drift | 5 | 200 | 100 | 150 | 70 | 3.0 | 3.5 |", lines[3]);
    }

    [Fact]
    public void Build_AwsEstimate_ChecksTheWallTimeAgainstTheAwsTarget()
    {
        var estimate = BenchMath.EstimateAws(2, 1, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5), new PollingSpec(30, 60), TimeSpan.FromSeconds(10));
        var machine = new MachineInfo(2, 1L << 30, "cpu", "0.1", ".NET", "Debian");

        var report = BenchReport.Build(machine, "0.1", [], [], [("tutorial", 2, 1, estimate)], [], []);

        var target = Assert.Single(report["targets"]!.AsArray());
        Assert.Equal("AWS model tutorial: wall <= 1.02 x floor", (string?)target!["target"]);
        Assert.Equal(estimate.Ratio <= BenchReport.AwsRatioTarget, (bool)target["met"]!);
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(21, 3)]
    [InlineData(22, 5)]
    [InlineData(41, 5)]
    public void RerunSecondsTarget_BySize_ThreeSecondsUpTo21BrokersFiveAbove(int brokers, double expected) =>
        Assert.Equal(expected, BenchReport.RerunSecondsTarget(brokers));

    [Fact]
    public void Build_AwsEstimate_ReportsHistoryEventsAndTransitionsPerBroker()
    {
        var estimate = BenchMath.EstimateAws(2, 1, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5), new PollingSpec(30, 60), TimeSpan.FromSeconds(10));
        var machine = new MachineInfo(2, 1L << 30, "cpu", "0.1", ".NET", "Debian");

        var report = BenchReport.Build(machine, "0.1", [], [], [("tutorial", 2, 1, estimate)], [], []);

        var row = report["awsEstimates"]![0]!;
        // 21 turns of the creation stage, 11 of the reboot stage (the reboot, then 10 checks): 18 + 2·2 + 62 + 32.
        Assert.Equal(116, (int)row["stateTransitions"]!);
        Assert.Equal(58.0, (double)row["transitionsPerBroker"]!);
        // 69 + 14·2 + (9·21 − 2) + (9·11 − 2).
        Assert.Equal(69 + 28 + 187 + 97, (int)row["historyEvents"]!);
        Assert.Equal(1, (int)row["creationWaves"]!);
        Assert.Contains("| tutorial | 2 (1) | all 2 | 20.0 | 20.2 | 1.01 | 116 (58.0) | 381 (1.5 %) |", BenchReport.Text(report), StringComparison.Ordinal);
    }
}
