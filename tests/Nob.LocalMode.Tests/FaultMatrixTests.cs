using Nob.LocalBrokers;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The fault matrix, end to end on real brokers: one test per fault, each on its own two-broker network (one broker
/// adopted with an operator's edit in its configuration, one created by nob) on the matrix's endpoint. Each row writes
/// its line of fault-matrix.md (<see cref="FaultMatrixTable"/>) and asserts nothing was duplicated, lost or exposed.
/// </summary>
[TestCaseOrderer(RunOrderOrderer.TypeName, RunOrderOrderer.AssemblyName)]
public sealed class FaultMatrixTests(FaultMatrixFixture fixture, ITestOutputHelper output) : IClassFixture<FaultMatrixFixture>
{
    FaultScenario Row(string key) => new(fixture, output, key);

    [Fact]
    public async Task Up_Throttled_SucceedsWithNothingDuplicatedLostOrExposed()
    {
        var row = Row("Throttle");
        await row.PrepareAsync();
        var (up, injected) = await row.UpUnderFaultsAsync(new { throttleNext = 3, throttleShare = 0.2, seed = 1301 });
        row.AssertBuilt(up);
        Assert.True(injected["throttled"] >= 3, $"fewer requests were throttled than asked for: {injected["throttled"]}");
        await row.FinishAsync(1, $"throttling: HTTP 429 on every service (the next 3 requests, then 20 %; {injected["throttled"]} in all)", FaultScenario.OutcomeOf(up));
    }

    [Fact]
    public async Task Up_ServerErrorsBeforeTheChange_SucceedsWithNothingDuplicatedLostOrExposed()
    {
        var row = Row("Fivexx");
        await row.PrepareAsync();
        var (up, injected) = await row.UpUnderFaultsAsync(new { serverErrorNext = 3, serverErrorShare = 0.1, seed = 1302 });
        row.AssertBuilt(up);
        Assert.True(injected["serverErrors"] >= 3, $"fewer requests got a 500 than asked for: {injected["serverErrors"]}");
        await row.FinishAsync(2, $"HTTP 500 before the change is made (the next 3 requests, then 10 %; {injected["serverErrors"]} in all)", FaultScenario.OutcomeOf(up));
    }

    /// <summary>Every request that changes something has its first answer lost after the change was made: the retries must find it done.</summary>
    [Fact]
    public async Task Up_ResponsesLostAfterTheChange_SucceedsWithNothingDuplicatedLostOrExposed()
    {
        string[] changes = ["CreateBroker", "UpdateConfiguration", "UpdateBroker", "RebootBroker", "AuthorizeSecurityGroupIngress", "PutParameter"];
        var row = Row("Lost");
        await row.PrepareAsync();
        var (up, injected) = await row.UpUnderFaultsAsync(new { loseResponseNext = 1, loseResponseOf = changes });
        row.AssertBuilt(up);
        // Each of them was made at least once in this build, so each lost one answer.
        Assert.Equal(changes.Length, injected["responsesLost"]);
        await row.FinishAsync(3, $"HTTP 500 after the change is made (answer lost) of each of {string.Join(", ", changes)}", FaultScenario.OutcomeOf(up));
    }

    /// <summary>A broker still creating when polling.timeoutMinutes runs out fails the build by name; the rerun adopts it and converges.</summary>
    [Fact]
    public async Task Up_CreatedBrokerCreationFailedOnce_RecreatesItWithNothingDuplicatedLostOrExposed()
    {
        var row = Row("Failed");
        await row.PrepareAsync();
        var (up, _) = await row.UpUnderFaultsAsync(new { failCreationOf = new[] { row.New }, failCreationCount = 1 });
        row.AssertBuilt(up);
        // The fault did hit: the failed broker was deleted and created again, so RecreateBroker ran twice for it.
        Assert.True(System.Text.RegularExpressions.Regex.Matches(up.Stderr, $@"RecreateBroker \[{row.New}[^\]]*\]").Count >= 2, up.ToString());
        await row.FinishAsync(4, "CREATION_FAILED of the broker nob creates (its first creation; nob deletes it and creates it again)", FaultScenario.OutcomeOf(up));
    }

    [Fact]
    public async Task Up_BrokerLatePastTheTimeout_FailsByNameThenTheRerunConverges()
    {
        var row = Row("Late");
        await row.PrepareAsync("""{ "timeoutMinutes": 1 }""");
        var (late, _) = await row.UpUnderFaultsAsync(new { startDelay = "00:01:15" });
        Assert.True(late.ExitCode == 1, late.ToString());
        Assert.Equal("BrokerWaitTimedOutException", FaultScenario.OutcomeOf(late));
        Assert.Matches($@"CheckBrokers \[[^\]]*{row.New}[^\]]*\] failed: BrokerWaitTimedOutException", late.Stderr);
        Assert.Contains("CREATION_IN_PROGRESS", late.Stderr, StringComparison.Ordinal);
        var createdId = await row.BrokerIdAsync(row.New);

        var again = await row.UpAsync();
        row.AssertBuilt(again);
        Assert.Equal(createdId, (string?)Summary.Broker(Summary.Parse(again), row.New)["brokerId"]);
        await row.FinishAsync(5, "a broker late past polling.timeoutMinutes (1 min; it starts after 75 s), then a rerun",
            $"{FaultScenario.OutcomeOf(late)}, then rerun: {FaultScenario.OutcomeOf(again)}");
    }

    /// <summary>A console user saves a revision of the adopted broker's configuration just before nob's UpdateBroker: nob merges onto it, and both edits run.</summary>
    [Fact]
    public async Task Up_ConsoleEditJustBeforeUpdateBroker_KeepsBothEdits()
    {
        var row = Row("Console");
        await row.PrepareAsync();
        row.MustKeepQueue("localcloud.console-edit");
        var (up, _) = await row.UpUnderFaultsAsync(new { concurrentEditBeforeUpdateBrokerOf = new[] { row.Mark } });
        row.AssertBuilt(up);
        await row.FinishAsync(8, "a concurrent console edit of the adopted broker's configuration, saved just before nob's UpdateBroker", FaultScenario.OutcomeOf(up));
    }

    /// <summary>The password parameter is missing when the build reads it: it fails before creating anything; with the parameter back, the rerun converges.</summary>
    [Fact]
    public async Task Up_PasswordParameterMissing_FailsBeforeCreatingThenTheRerunConverges()
    {
        var row = Row("NoParam");
        await row.PrepareAsync();
        var (missing, _) = await row.UpUnderFaultsAsync(new { missingParameters = new[] { row.PasswordParameter } });
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Equal("PasswordParameterMissingException", FaultScenario.OutcomeOf(missing));
        Assert.False(await row.ExistsAsync(row.New), $"{row.New} was created although its password could not be read");

        var again = await row.UpAsync();
        row.AssertBuilt(again);
        await row.FinishAsync(9, "the SSM password parameter missing (GetParameter: ParameterNotFound), then a rerun with it back",
            $"{FaultScenario.OutcomeOf(missing)}, then rerun: {FaultScenario.OutcomeOf(again)}");
    }

    /// <summary>The common user's password changes between two builds: the second updates the user on both brokers, reboots them and verifies with the new one.</summary>
    [Fact]
    public async Task Up_PasswordRotated_UpdatesTheUserAndVerifies()
    {
        var row = Row("Rotated");
        await row.PrepareAsync();
        row.AssertBuilt(await row.UpAsync());
        var rotated = await row.UpAsync("Rotated" + Guid.NewGuid().ToString("N")[..16]);
        row.AssertBuilt(rotated);
        await row.FinishAsync(10, "the common user's password rotated in SSM (a new NOB_PASSWORD) between two builds", FaultScenario.OutcomeOf(rotated));
    }

    /// <summary>The adopted broker's JVM is killed while nob waits for the other's creation: its reboot brings it back, and the bridge verifies.</summary>
    [Fact]
    public async Task Up_TwoRunsOfOneNetworkAtOnce_TheSecondFailsNetworkBusy()
    {
        var row = Row("Twice");
        await row.PrepareAsync();
        // The first run's reboot takes 40 s more, so it cannot end before the second has tried.
        await row.FaultsAsync(new { rebootDelay = "00:00:40" });
        NobRun second, firstRun;
        try
        {
            var first = row.StartUp();
            // The second run starts once the first holds the network (it has started creating a broker).
            await FaultScenario.UntilAsync(async () => first.IsCompleted || await row.ExistsAsync(row.New), TimeSpan.FromMinutes(2), $"nob creates {row.New}");
            second = await row.UpAsync();
            firstRun = await row.Keep(first);
        }
        finally
        {
            await row.FaultsAsync(new { });
        }
        row.AssertBuilt(firstRun);
        Assert.Equal("NetworkBusyException", FaultScenario.OutcomeOf(second));
        await row.FinishAsync(11, "two runs of one network at once (the second starts mid-build)",
            $"first: {FaultScenario.OutcomeOf(firstRun)}; second: {FaultScenario.OutcomeOf(second)}");
    }

    [Fact]
    public async Task Up_BrokerJvmKilledMidBuild_SucceedsWithNothingDuplicatedLostOrExposed()
    {
        var row = Row("Jvm");
        await row.PrepareAsync();
        var markId = await row.BrokerIdAsync(row.Mark);
        var jvm = row.BrokerJvm(markId) ?? throw new InvalidOperationException($"no JVM runs {row.Mark} ({markId})");

        var up = row.StartUp();
        await FaultScenario.UntilAsync(async () => up.IsCompleted || await row.ExistsAsync(row.New), TimeSpan.FromMinutes(2), $"nob creates {row.New}");
        Assert.False(up.IsCompleted, "nob up finished before the JVM could be killed mid-build");
        Assert.True(jvm.TrySignal(ProcessIdentity.SigKill), $"could not kill {row.Mark}'s JVM (pid {jvm.Pid})");
        Assert.True(await jvm.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"{row.Mark}'s JVM survived SIGKILL");
        var run = await row.Keep(up);

        row.AssertBuilt(run);
        var restarted = row.BrokerJvm(markId);
        Assert.NotNull(restarted);
        Assert.NotEqual(jvm, restarted);
        await row.FinishAsync(6, "a broker's JVM killed (SIGKILL) mid-build, while nob waits for the other broker's creation", FaultScenario.OutcomeOf(run));
    }

    /// <summary>The endpoint itself is killed with SIGKILL once nob has created a broker: the build fails, the rerun restarts it and converges on the same brokers.</summary>
    [Fact]
    [RunOrder(1)]
    public async Task Up_EndpointKilledMidBuild_FailsThenTheRerunConvergesOnTheSameBrokers()
    {
        var row = Row("Crash");
        await row.PrepareAsync();
        var markId = await row.BrokerIdAsync(row.Mark);
        var endpoint = row.Endpoint();

        var up = row.StartUp();
        await FaultScenario.UntilAsync(async () => up.IsCompleted || await row.ExistsAsync(row.New), TimeSpan.FromMinutes(2), $"nob creates {row.New}");
        Assert.False(up.IsCompleted, "nob up finished before the endpoint could be killed mid-build");
        var newId = await row.BrokerIdAsync(row.New);
        Assert.True(endpoint.TrySignal(ProcessIdentity.SigKill), "could not kill the endpoint");
        Assert.True(await endpoint.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the endpoint survived SIGKILL");
        var crashed = await row.Keep(up);
        Assert.True(crashed.ExitCode == 1, crashed.ToString());

        var again = await row.UpAsync();
        row.AssertBuilt(again);
        var summary = Summary.Parse(again);
        Assert.Equal(markId, (string?)Summary.Broker(summary, row.Mark)["brokerId"]);
        Assert.Equal(newId, (string?)Summary.Broker(summary, row.New)["brokerId"]);
        await row.FinishAsync(7, "the endpoint killed with SIGKILL mid-build (after nob created a broker), then a rerun",
            $"{FaultScenario.OutcomeOf(crashed)}, then rerun: {FaultScenario.OutcomeOf(again)}");
    }
}
