using Nob.Cli.Bench;
using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Cli.Tests;

public class BenchMathTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    static StateChange At(double seconds, string broker, string state) => new(T0.AddSeconds(seconds), broker, state);

    static BrokerPhase Phase(string broker, string kind, double from, double to) => new(broker, kind, T0.AddSeconds(from), T0.AddSeconds(to));

    [Fact]
    public void Phases_pair_each_start_and_reboot_with_the_running_that_ends_it()
    {
        var phases = BenchMath.Phases([
            At(0, "B", "CREATION_IN_PROGRESS"),
            At(0.5, "A", "CREATION_IN_PROGRESS"),
            At(4, "A", "RUNNING"),
            At(6, "B", "RUNNING"),
            At(7, "A", "REBOOT_IN_PROGRESS"),
            At(9.5, "A", "RUNNING"),
            At(10, "B", "REBOOT_IN_PROGRESS"),
            At(12, "B", "CRITICAL_ACTION_REQUIRED"),
        ]);

        Assert.Equal([Phase("B", BrokerPhase.Start, 0, 6), Phase("A", BrokerPhase.Start, 0.5, 4), Phase("A", BrokerPhase.Reboot, 7, 9.5)], phases);
    }

    [Fact]
    public void Floor_is_the_slowest_start_plus_the_slowest_reboot()
    {
        var phases = new[]
        {
            Phase("A", BrokerPhase.Start, 0, 4), Phase("B", BrokerPhase.Start, 0, 6),
            Phase("A", BrokerPhase.Reboot, 7, 9.5), Phase("B", BrokerPhase.Reboot, 7, 8),
        };

        Assert.Equal(TimeSpan.FromSeconds(8.5), BenchMath.Floor(phases));
        Assert.Equal(TimeSpan.FromSeconds(6), BenchMath.Floor(phases.Where(p => p.Kind == BrokerPhase.Start)));
        Assert.Equal(TimeSpan.Zero, BenchMath.Floor([]));
    }

    [Fact]
    public void Ratio_is_total_over_floor_and_undefined_without_a_floor()
    {
        Assert.Equal(1.25, BenchMath.Ratio(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(8)));
        Assert.Null(BenchMath.Ratio(TimeSpan.FromSeconds(10), TimeSpan.Zero));
    }

    [Fact]
    public void Cost_is_two_and_a_half_cents_per_thousand_transitions()
    {
        Assert.Equal(0.025m, BenchMath.StepFunctionsCost(1000));
        Assert.Equal(0.0059m, BenchMath.StepFunctionsCost(236));
        Assert.Equal(0m, BenchMath.StepFunctionsCost(0));
    }

    [Fact]
    public void Busy_time_is_the_union_of_the_phases_within_the_window()
    {
        var phases = new[]
        {
            Phase("A", BrokerPhase.Start, 1, 4), Phase("B", BrokerPhase.Start, 2, 6), // 1–6
            Phase("A", BrokerPhase.Reboot, 8, 9), Phase("B", BrokerPhase.Reboot, 8.5, 12), // 8–12, clipped to 11
        };

        Assert.Equal(TimeSpan.FromSeconds(5 + 3), BenchMath.BusyTime(phases, T0, T0.AddSeconds(11)));
        Assert.Equal(TimeSpan.Zero, BenchMath.BusyTime(phases, T0.AddSeconds(6), T0.AddSeconds(8)));
    }

    [Fact]
    public void Fit_finds_the_line_and_how_well_it_fits()
    {
        var exact = BenchMath.Fit([(2, 25), (5, 49), (10, 89), (21, 177)]);
        Assert.Equal(8, exact.Slope, 9);
        Assert.Equal(9, exact.Intercept, 9);
        Assert.Equal(1, exact.RSquared, 9);

        var noisy = BenchMath.Fit([(0, 1), (1, 3), (2, 2), (3, 5)]);
        Assert.Equal(1.1, noisy.Slope, 9);
        Assert.Equal(1.1, noisy.Intercept, 9);
        Assert.Equal(1 - 2.7 / 8.75, noisy.RSquared, 9);

        Assert.Throws<ArgumentException>(() => BenchMath.Fit([(2, 1), (2, 3)]));
    }

    [Fact]
    public void Transition_model_counts_the_states_of_the_asl()
    {
        // A converged re-run takes the fast path: the same 9 states for 2 brokers or 21.
        Assert.Equal(9, BenchMath.ConvergedTransitions(2));
        Assert.Equal(9, BenchMath.ConvergedTransitions(21));
        // The tutorial: 4 turns of the creation stage, 3 of the reboot stage (the reboot, then two checks).
        Assert.Equal(18 + 2 * 2 + (3 * 4 - 1) + (3 * 3 - 1), BenchMath.Transitions(2, 4, 3));
        // Each retry is one more; the brokers count only through the two Maps.
        Assert.Equal(BenchMath.Transitions(2, 4, 3) + 2, BenchMath.Transitions(2, 4, 3, retries: 2));
        Assert.Equal(BenchMath.Transitions(2, 4, 3) + 2 * 39, BenchMath.Transitions(41, 4, 3));
        Assert.Equal(BenchMath.HistoryEvents(2, 4, 3) + 14 * 39, BenchMath.HistoryEvents(41, 4, 3));
        Assert.Throws<ArgumentException>(() => BenchMath.Transitions(2, 0, 1));
        Assert.Throws<ArgumentException>(() => BenchMath.HistoryEvents(0, 1, 1));
    }

    static readonly PollingSpec SpecDefaults = new(SpecReader.DefaultPollingIntervalSeconds, SpecReader.DefaultPollingTimeoutMinutes);

    [Fact]
    public void WaitLoop_CreationReadyWhenExpected_ChecksAtZeroThenHalfwayThenEvery30sThenHalvingTheRest()
    {
        // Checks at 0; 450, 480, …, 840 (14); 870, 885, 893, 897, 899, 900: 21 checks, RUNNING seen on time.
        var (checks, seen) = BenchMath.WaitLoop(PollPlan.For(SpecDefaults, 2), WaitPhases.Creation, TimeSpan.FromMinutes(15));
        Assert.Equal((21, TimeSpan.FromSeconds(900)), (checks, seen));
    }

    [Fact]
    public void WaitLoop_RebootReadyWhenExpected_WaitsFirstThenCrowdsTheExpectedTime()
    {
        // RebootBroker asks for 150 s; checks at 150, 180, 210, 240, 270, 285, 293, 297, 299, 300.
        var (checks, seen) = BenchMath.WaitLoop(PollPlan.For(SpecDefaults, 2), WaitPhases.Reboot, TimeSpan.FromMinutes(5));
        Assert.Equal((10, TimeSpan.FromSeconds(300)), (checks, seen));
    }

    [Fact]
    public void WaitLoop_TwentyOneBrokers_ChecksNoCloserThanTheRateAllows()
    {
        // 21 loops at 5 requests/s: at least 5 s apart, so 893 → 898 → 903 instead of 897, 899, 900.
        var (checks, seen) = BenchMath.WaitLoop(PollPlan.For(SpecDefaults, 21), WaitPhases.Creation, TimeSpan.FromMinutes(15));
        Assert.Equal((20, TimeSpan.FromSeconds(903)), (checks, seen));
    }

    [Fact]
    public void WaitLoop_BrokerNeverReadyBeforeTheTimeout_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BenchMath.WaitLoop(PollPlan.For(SpecDefaults, 2), WaitPhases.Creation, TimeSpan.FromHours(2)));

    [Fact]
    public void EstimateAws_Tutorial_SeesEachBrokerWhenItIsReady()
    {
        var estimate = BenchMath.EstimateAws(brokers: 2, rebooted: 1, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5), SpecDefaults, TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromMinutes(20), estimate.Floor);
        Assert.Equal(TimeSpan.FromSeconds(900 + 300 + 10), estimate.Wall);
        Assert.Equal((21, 10), (estimate.CreationChecks, estimate.RebootChecks));
        // 21 turns of the creation stage; the reboot stage's first turn reboots, 10 more check.
        Assert.Equal(BenchMath.Transitions(2, 21, 11), estimate.Transitions);
        Assert.Equal(18 + 4 + 62 + 32, estimate.Transitions);
        Assert.Equal(BenchMath.HistoryEvents(2, 21, 11), estimate.HistoryEvents);
        Assert.Equal(0.0029m, estimate.Cost);
        Assert.Equal(1210.0 / 1200.0, estimate.Ratio, 9);
    }

    [Fact]
    public void EstimateAws_MapsConcurrency_RunsInWaves()
    {
        // A 21-broker mesh with EnsureBrokers at 25 and WriteRevisions at 10 at a time: 1 wave of creation, 3 of reboots;
        // its loops check at most every 5 s, so they see creation at 903 s and a reboot at 303 s.
        var estimate = BenchMath.EstimateAws(21, 21, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5), SpecDefaults, TimeSpan.FromSeconds(10), 25, 10);

        Assert.Equal(TimeSpan.FromMinutes(20), estimate.Floor);
        Assert.Equal(TimeSpan.FromSeconds(903 + 3 * 303 + 10), estimate.Wall);
        Assert.Equal((20, 9), (estimate.CreationChecks, estimate.RebootChecks));
        Assert.Equal(BenchMath.Transitions(21, 20, 1 + 3 * 9), estimate.Transitions);
        Assert.Equal(3, BenchMath.Waves(21, 10));
        Assert.Equal(1, BenchMath.Waves(2, 5));
        Assert.Equal(1, BenchMath.Waves(21, 0));
        Assert.Equal(0, BenchMath.Waves(0, 5));
    }

    [Fact]
    public void EstimateAws_LargestNetworkWithTheStateMachinesMapConcurrency_EveryCreationAtOnceWithinTwoPercentOfTheFloor()
    {
        var states = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Nob.Testing.Repository.PathOf("statemachine", "build-network.asl.json")))!["States"]!;
        var createConcurrency = (int)states["EnsureBrokers"]!["MaxConcurrency"]!;
        var brokers = SpecReader.MaxBrokersPerNetwork;

        var estimate = BenchMath.EstimateAws(brokers, brokers, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5), new PollingSpec(30, 60), TimeSpan.FromSeconds(10),
            createConcurrency, RebootConcurrency.NewNetwork);

        Assert.Equal(1, estimate.CreationWaves);
        Assert.InRange(estimate.Ratio, 1.0, 1.02);
        Assert.InRange(estimate.HistoryEvents, 1, AwsEstimate.HistoryEventsQuota);
        // A Map of 10 at a time would create in five rounds, each a whole creation late.
        Assert.Equal(5, BenchMath.EstimateAws(brokers, brokers, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5), new PollingSpec(30, 60), TimeSpan.FromSeconds(10), 10, 0).CreationWaves);
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(3, BenchMath.Median([9, 1, 3]));
        Assert.Equal(2.5, BenchMath.Median([4, 1, 2, 3]));
        Assert.Equal(7, BenchMath.Median([7]));
        Assert.Throws<ArgumentException>(() => BenchMath.Median([]));
    }
}
