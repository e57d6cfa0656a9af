using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nob.LocalMode.Tests;

/// <summary>Reading the summary `nob up SPEC --json` prints.</summary>
public static partial class Summary
{
    public static JsonObject Parse(NobRun run)
    {
        try
        {
            return JsonNode.Parse(run.Stdout)?.AsObject() ?? throw new InvalidOperationException("null");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new InvalidOperationException($"stdout of `nob up --json` is not one JSON object ({e.Message}):{Environment.NewLine}{run}", e);
        }
    }

    public static IReadOnlyList<JsonObject> Brokers(JsonObject summary) => summary["brokers"]!.AsArray().Select(b => b!.AsObject()).ToList();

    public static JsonObject Broker(JsonObject summary, string name) =>
        Brokers(summary).SingleOrDefault(b => (string?)b["brokerName"] == name) ?? throw new InvalidOperationException($"no broker {name} in the summary");

    public static IReadOnlyList<string> Strings(JsonNode? array) => array?.AsArray().Select(e => (string)e!).ToList() ?? [];

    /// <summary>The verified pairs, from lines like "MyBroker1 -> MyBroker2: 25 ms".</summary>
    public static IReadOnlyList<(string Sender, string Receiver)> Pairs(JsonObject summary) =>
        Strings(summary["verification"]?["pairs"]).Select(line =>
        {
            var match = PairPattern().Match(line);
            if (!match.Success) throw new InvalidOperationException($"unexpected verification pair line \"{line}\"");
            return (match.Groups[1].Value, match.Groups[2].Value);
        }).ToList();

    [GeneratedRegex(@"^(\S+) -> (\S+): ")]
    private static partial Regex PairPattern();
}
