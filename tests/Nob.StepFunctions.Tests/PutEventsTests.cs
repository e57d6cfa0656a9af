using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class PutEventsTests
{
    static string Machine(string entries, string retry = "[]", string @catch = "[]") => $$$$"""
        {"StartAt":"Put","States":{
          "Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
                 "Parameters":{"Entries":{{{{entries}}}}},
                 "ResultSelector":{"failed.$":"$.FailedEntryCount","ids.$":"$.Entries[*].EventId"},"ResultPath":"$.put",
                 "Retry":{{{{retry}}}},"Catch":{{{{@catch}}}},"End":true},
          "Caught":{"Type":"Pass","End":true}}}
        """;

    const string Drift = """
        [{"Source":"nob","DetailType":"Network drift detected","Detail":{"network.$":"$.network","brokers":["a","b"]},"EventBusName":"${Bus}"}]
        """;

    static LocalStateMachine Build(string definition, Func<IReadOnlyList<PutEventsEntry>, CancellationToken, Task>? onPutEvents = null, ManualClock? clock = null,
        bool payloadLimit = true) =>
        new(StateMachineDefinition.Parse(definition, new Dictionary<string, string> { ["Bus"] = "arn:aws:events:us-east-1:123456789012:event-bus/default" }, "check-drift"),
            new ScriptedFunctions(), new LocalStateMachineOptions { TimeProvider = clock ?? ManualClock.AutoAdvancing(), OnPutEvents = onPutEvents, EnforcePayloadLimit = payloadLimit });

    [Fact]
    public async Task PutEvents_ObjectDetail_IsSerializedDeliveredAndKeptOnTheResult()
    {
        var delivered = new List<PutEventsEntry>();
        var machine = Build(Machine(Drift), (entries, _) =>
        {
            delivered.AddRange(entries);
            return Task.CompletedTask;
        });
        var result = await machine.ExecuteAsync("""{"network":"shop"}""", "run-1");

        Assert.True(result.IsSucceeded, result.Explain());
        var entry = Assert.Single(result.PutEvents);
        Assert.Equal(entry, Assert.Single(delivered));
        Assert.Equal("nob", entry.Source);
        Assert.Equal("Network drift detected", entry.DetailType);
        Assert.Equal("""{"network":"shop","brokers":["a","b"]}""", entry.Detail);
        Assert.Equal("arn:aws:events:us-east-1:123456789012:event-bus/default", entry.EventBusName);
        Assert.Equal([result.ExecutionArn, machine.Arn], entry.Resources);
        Assert.Equal("Put", entry.StateName);
        var put = JsonNode.Parse(result.Output!)!["put"]!;
        Assert.Equal(0, (int)put["failed"]!);
        Assert.Equal(entry.EventId, (string)put["ids"]![0]!);
        Assert.Equal(["TaskScheduled", "TaskStarted", "TaskSucceeded"],
            result.History.Where(e => e.Resource == "events:putEvents").Select(e => e.Type));
    }

    [Fact]
    public async Task PutEvents_StringDetailAndNoBus_KeepsTheTextAndUsesTheDefaultBus()
    {
        var result = await Build(Machine("""[{"Source":"nob","DetailType":"t","Detail":"{\"a\":1}","Resources":["r1"]}]""")).ExecuteAsync("{}");
        Assert.True(result.IsSucceeded, result.Explain());
        var entry = Assert.Single(result.PutEvents);
        Assert.Equal("""{"a":1}""", entry.Detail);
        Assert.Equal("default", entry.EventBusName);
        Assert.Equal("r1", entry.Resources[0]);
        Assert.Equal(3, entry.Resources.Count);
    }

    [Theory]
    [InlineData("""{"DetailType":"t","Detail":{}}""", "InvalidArgument", "Source is a required argument")]
    [InlineData("""{"Source":"nob","Detail":{}}""", "InvalidArgument", "DetailType is a required argument")]
    [InlineData("""{"Source":"nob","DetailType":"t"}""", "InvalidArgument", "Detail is a required argument")]
    [InlineData("""{"Source":"nob","DetailType":"t","Detail":"[1,2]"}""", "MalformedDetail", "Detail is malformed")]
    [InlineData("""{"Source":"nob","DetailType":"t","Detail":"not json"}""", "MalformedDetail", "Detail is malformed")]
    public async Task PutEvents_InvalidEntry_FailsTheTaskWithFailedEntry_AfterPuttingTheValidOnes(string bad, string code, string message)
    {
        var result = await Build(Machine($$$"""[{"Source":"nob","DetailType":"ok","Detail":{}}, {{{bad}}}]""")).ExecuteAsync("{}");

        Assert.Equal(ExecutionResult.Failed, result.Status);
        Assert.Equal("EventBridge.FailedEntry", result.Error);
        var response = JsonNode.Parse(result.Cause!)!;
        Assert.Equal(1, (int)response["FailedEntryCount"]!);
        Assert.NotNull(response["Entries"]![0]!["EventId"]);
        Assert.Equal(code, (string)response["Entries"]![1]!["ErrorCode"]!);
        Assert.Contains(message, (string)response["Entries"]![1]!["ErrorMessage"]!, StringComparison.Ordinal);
        Assert.Equal("ok", Assert.Single(result.PutEvents).DetailType);
        Assert.Contains(result.History, e => e.Type == "TaskFailed" && e.Resource == "events:putEvents" && e.Error == "EventBridge.FailedEntry");
    }

    [Fact]
    public async Task PutEvents_OverTheSizeLimit_FailsWholeAndPutsNothing()
    {
        // Without Step Functions' own 256 KiB state limit, which the same parameters would hit first.
        var big = new string('x', 262144);
        var result = await Build(Machine($$$"""[{"Source":"nob","DetailType":"t","Detail":{"text":"{{{big}}}"}}]"""), payloadLimit: false).ExecuteAsync("{}");
        Assert.Equal("EventBridge.EventBridgeException", result.Error);
        Assert.Contains("over the limit", result.Cause, StringComparison.Ordinal);
        Assert.Empty(result.PutEvents);
    }

    [Fact]
    public async Task PutEvents_MoreThanTenEntries_FailsWhole()
    {
        var entries = "[" + string.Join(",", Enumerable.Repeat("""{"Source":"nob","DetailType":"t","Detail":{}}""", 11)) + "]";
        var result = await Build(Machine(entries)).ExecuteAsync("{}");
        Assert.Equal("EventBridge.EventBridgeException", result.Error);
        Assert.Empty(result.PutEvents);
    }

    [Fact]
    public async Task PutEvents_FailedEntry_IsRetriedThenCaught()
    {
        var clock = ManualClock.AutoAdvancing();
        var result = await Build(Machine("""[{"Source":"nob","DetailType":"t"}]""",
            """[{"ErrorEquals":["EventBridge.FailedEntry"],"IntervalSeconds":3,"MaxAttempts":2}]""",
            """[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Caught"}]"""), clock: clock).ExecuteAsync("{}");

        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal([3, 6], clock.Delays.Select(d => d.TotalSeconds));
        Assert.Equal(3, result.History.Count(e => e.Type == "TaskFailed"));
        Assert.Equal("EventBridge.FailedEntry", (string)JsonNode.Parse(result.Output!)!["error"]!["Error"]!);
    }

    [Fact]
    public async Task JsonLinesEventRecorder_AppendsOneEnvelopeALine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nob-events-{Guid.NewGuid():N}", "events.jsonl");
        try
        {
            var recorder = new JsonLinesEventRecorder(path);
            var machine = Build(Machine(Drift), recorder.RecordAsync);
            await machine.ExecuteAsync("""{"network":"shop"}""");
            await machine.ExecuteAsync("""{"network":"lab"}""");

            var events = JsonLinesEventRecorder.Read(path);
            Assert.Equal(2, events.Count);
            Assert.Equal(2, File.ReadAllLines(path).Length);
            Assert.Equal("nob", (string)events[0]["source"]!);
            Assert.Equal("Network drift detected", (string)events[0]["detail-type"]!);
            Assert.Equal("shop", (string)events[0]["detail"]!["network"]!);
            Assert.Equal("lab", (string)events[1]["detail"]!["network"]!);
            Assert.Equal("2025-01-02T03:04:05Z", (string)events[0]["time"]!);
            Assert.Equal("arn:aws:events:us-east-1:123456789012:event-bus/default", (string)events[0]["event-bus-name"]!);
            Assert.Equal("us-east-1", (string)events[0]["region"]!);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"Entries":[{"Source":"nob","DetailType":"t","Detail":{},"TraceHeader":"x"}]}""", "TraceHeader")]
    [InlineData("""{"Entries":[],"EndpointId":"e"}""", "EndpointId")]
    public void PutEvents_UnimplementedFields_AreRejectedAtLoad(string parameters, string field)
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() => StateMachineDefinition.Parse($$$$"""
            {"StartAt":"Put","States":{"Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","Parameters":{{{{parameters}}}},"End":true}}}
            """));
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }
}
