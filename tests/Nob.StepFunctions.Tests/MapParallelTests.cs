using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class MapParallelTests
{
    /// <summary>A function that records how many invocations run at once, holding each for a real moment.</summary>
    // Each call holds until the expected concurrency has been seen once (or a generous bound passes), so a loaded
    // machine cannot finish one call before the next starts and make real parallelism look serial.
    sealed class ConcurrencyProbe(int expected)
    {
        static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(10);
        int current;
        int max;

        public int Max => Volatile.Read(ref max);

        public ScriptedFunctions Functions(string name = "F") => new ScriptedFunctions().OnAsync(name, async p =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(now);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Max < expected && waited.Elapsed < WaitBound) await Task.Delay(5);
            await Task.Delay(40);
            Interlocked.Decrement(ref current);
            return p;
        });

        void InterlockedMax(int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, seen) != seen) { }
        }
    }

    static string Map(string extra, string processorStates = """
        "Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"F","Payload.$":"$"},"OutputPath":"$.Payload","End":true}
        """) => $$$$"""
        {"StartAt":"M","States":{"M":{"Type":"Map",{{{{extra}}}},
          "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Call","States":{ {{{{processorStates}}}} }},
          "End":true}}}
        """;

    [Fact]
    public async Task Map_ItemSelectorSeesTheItemAndIndex_ResultsKeepTheItemOrder()
    {
        var output = await Sfn.OutputAsync(Map("""
            "ItemsPath":"$.items","ItemSelector":{"value.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index","shared.$":"$.shared"},
            "ResultPath":"$.results","MaxConcurrency":2
            """), """{"items":["a","b","c","d"],"shared":"s"}""", new ScriptedFunctions().On("F", p => p));
        Assert.Equal("""[{"value":"a","index":0,"shared":"s"},{"value":"b","index":1,"shared":"s"},{"value":"c","index":2,"shared":"s"},{"value":"d","index":3,"shared":"s"}]""",
            Sfn.Json(output!["results"]));
        Assert.Equal(["a", "b", "c", "d"], output["items"]!.AsArray().Select(i => (string?)i));
    }

    [Fact]
    public async Task Map_LegacyIteratorAndParameters_Work()
    {
        var output = await Sfn.OutputAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","Parameters":{"v.$":"$$.Map.Item.Value"},
              "Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.v","End":true}}},"End":true}}}
            """, """{"items":[1,2,3]}""");
        Assert.Equal("[1,2,3]", Sfn.Json(output));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Map_MaxConcurrency_BoundsRealParallelism(int limit)
    {
        var probe = new ConcurrencyProbe(limit);
        var result = await Sfn.RunAsync(Map($"\"MaxConcurrency\":{limit}"), "[1,2,3,4,5,6,7,8,9]", probe.Functions());
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(limit, probe.Max);
        Assert.Equal("[1,2,3,4,5,6,7,8,9]", result.Output);
    }

    [Fact]
    public async Task Map_MaxConcurrencyPath_IsRead()
    {
        var probe = new ConcurrencyProbe(2);
        var result = await Sfn.RunAsync(Map("\"ItemsPath\":\"$.items\",\"MaxConcurrencyPath\":\"$.limit\""), """{"items":[1,2,3,4,5,6],"limit":2}""", probe.Functions());
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(2, probe.Max);
    }

    [Fact]
    public async Task Map_EmptyArray_GivesAnEmptyResult() =>
        Assert.Equal("[]", Sfn.Json(await Sfn.OutputAsync(Map("\"MaxConcurrency\":1"), "[]", new ScriptedFunctions().On("F", p => p))));

    [Fact]
    public async Task Map_HistoryShowsIterationsWithTheirIndexAndScope()
    {
        var events = new List<HistoryEvent>();
        var result = await Sfn.RunAsync(Map("\"MaxConcurrency\":1"), "[10,20,30]", new ScriptedFunctions().On("F", p => p), onEvent: events.Add);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal(result.History, events);
        Assert.Equal([0, 1, 2], result.History.Where(e => e.Type == "MapIterationStarted").Select(e => e.MapIterationIndex!.Value));
        var entered = result.History.Where(e => e.Type == "TaskStateEntered").ToList();
        Assert.Equal(["M[0]/Call", "M[1]/Call", "M[2]/Call"], entered.Select(e => e.QualifiedStateName));
        Assert.Equal([0, 1, 2], entered.Select(e => e.MapIterationIndex!.Value));
        Assert.Equal(1 + 3, result.StateTransitions);
        Assert.Equal(3, result.History.Single(e => e.Type == "MapStateStarted").Length);
    }

    [Fact]
    public async Task Map_AFailingIteration_FailsTheMapWithItsError_AndTheMapCatches()
    {
        var functions = new ScriptedFunctions().On("F", p => (int)p! == 2 ? throw new OtherException("item 2 is bad") : p);
        var result = await Sfn.RunAsync("""
            {"StartAt":"M","States":{
              "M":{"Type":"Map","MaxConcurrency":1,
                   "ItemProcessor":{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                      "Parameters":{"FunctionName":"F","Payload.$":"$"},"End":true}}},
                   "Catch":[{"ErrorEquals":["OtherException"],"ResultPath":"$","Next":"Caught"}],"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """, "[1,2,3]", functions);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("OtherException", (string?)JsonNode.Parse(result.Output!)!["Error"]);
        var failed = result.History.Single(e => e.Type == "MapIterationFailed");
        Assert.Equal(1, failed.MapIterationIndex);
        Assert.Equal("MapStateFailed", result.History.Single(e => e.Type == "MapStateFailed").Type);
        Assert.Equal(2, functions.Calls.Count);
    }

    [Fact]
    public async Task Map_FailureWithoutCatch_FailsTheExecution_AndStopsTheOtherIterations()
    {
        var functions = new ScriptedFunctions().OnAsync("F", async p =>
        {
            if ((int)p! == 0) throw new OtherException("first fails");
            await Task.Delay(50);
            return p;
        });
        var result = await Sfn.RunAsync(Map("\"MaxConcurrency\":2"), "[0,1,2,3,4,5,6,7]", functions);
        Assert.Equal("OtherException", result.Error);
        Assert.True(functions.Calls.Count < 8, $"{functions.Calls.Count} iterations ran");
    }

    [Fact]
    public async Task Parallel_RunsBranchesConcurrently_ResultsInBranchOrder()
    {
        var probe = new ConcurrencyProbe(2);
        var result = await Sfn.RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","ResultPath":"$.branches","Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"F","Payload":"a"},"OutputPath":"$.Payload","End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"F","Payload.$":"$.x"},"OutputPath":"$.Payload","End":true}}},
              {"StartAt":"C","States":{"C":{"Type":"Pass","Result":"c","End":true}}}
            ],"End":true}}}
            """, """{"x":"b"}""", probe.Functions());
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("""{"x":"b","branches":["a","b","c"]}""", result.Output);
        Assert.Equal(2, probe.Max);
        Assert.Equal(["P#0/A", "P#1/B", "P#2/C"], result.History.Where(e => e.IsStateEntered && e.StateName != "P").Select(e => e.QualifiedStateName).Order());
    }

    [Fact]
    public async Task Parallel_ABranchFailure_FailsTheParallel_AndItCatches()
    {
        var result = await Sfn.RunAsync("""
            {"StartAt":"P","States":{
              "P":{"Type":"Parallel","Branches":[
                 {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
                 {"StartAt":"B","States":{"B":{"Type":"Fail","Error":"BranchBroke","Cause":"b"}}}],
               "Catch":[{"ErrorEquals":["BranchBroke"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """, "{}");
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("""{"error":{"Error":"BranchBroke","Cause":"b"}}""", result.Output);
        Assert.Single(result.History, e => e.Type == "ParallelStateFailed");
    }

    [Fact]
    public async Task Map_RetryReRunsTheWholeMap()
    {
        var calls = 0;
        var functions = new ScriptedFunctions().On("F", p => Interlocked.Increment(ref calls) == 1 ? throw new TransientException("once") : p);
        var result = await Sfn.RunAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,
              "ItemProcessor":{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                 "Parameters":{"FunctionName":"F","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}},
              "Retry":[{"ErrorEquals":["TransientException"],"IntervalSeconds":3}],"End":true}}}
            """, "[1,2]", functions);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("[1,2]", result.Output);
        Assert.Equal(1, result.Retries);
        Assert.Equal(2, result.History.Count(e => e.Type == "MapStateStarted"));
    }
}
