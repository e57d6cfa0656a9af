using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nob.LocalCloud.States;

/// <summary>
/// How the endpoint's executions wait for brokers. A spec's <c>polling</c> is written for Amazon MQ (brokers start in
/// 15–20 minutes); local brokers start or reboot in a second or two, the same order as a Wait state's whole second, so
/// each check lingers: it polls every 100 ms or more (50 requests/s across the build's loops) for up to 10 s before the
/// loop waits; Wait states last a second, and a loop gives up after 10 minutes. The execution runs with these values;
/// DescribeExecution still shows the input the caller sent.
/// </summary>
internal static class LocalPolling
{
    public const string BuildNetworkLogicalId = "BuildNetworkStateMachine";
    public const string TeardownNetworkLogicalId = "TeardownNetworkStateMachine";

    public static JsonObject Values() => new()
    {
        ["intervalSeconds"] = 1,
        ["timeoutMinutes"] = 10,
        ["expectedCreationSeconds"] = 2,
        ["expectedRebootSeconds"] = 2,
        ["expectedDeletionSeconds"] = 1,
        ["lingerSeconds"] = 10,
        ["maxRequestsPerSecond"] = 50,
    };

    /// <summary>
    /// The input an execution of <paramref name="logicalId"/> runs with: build-network's spec with local polling (a
    /// shorter <c>polling.timeoutMinutes</c> is kept: a spec that gives up sooner does so locally too), teardown's input
    /// with local polling; anything else, or input that is not a JSON object (Validate refuses it), as given.
    /// </summary>
    public static string Apply(string logicalId, string input)
    {
        if (logicalId is not (BuildNetworkLogicalId or TeardownNetworkLogicalId))
        {
            return input;
        }

        JsonObject? given;
        try
        {
            given = JsonNode.Parse(input) as JsonObject;
        }
        catch (JsonException)
        {
            return input;
        }

        if (given is null)
        {
            return input;
        }

        var polling = Values();
        if (logicalId == BuildNetworkLogicalId && given["polling"] is JsonObject spec && spec["timeoutMinutes"] is JsonValue value
            && value.TryGetValue<int>(out var minutes) && minutes >= 1 && minutes < (int)polling["timeoutMinutes"]!)
        {
            polling["timeoutMinutes"] = minutes;
        }

        given["polling"] = polling;
        return given.ToJsonString();
    }
}
