using System.Text.Json.Nodes;
using static Nob.Core.Specs.SpecJson;
using static Nob.Core.Specs.SpecReader;

namespace Nob.Core.Specs;

/// <summary>Reads <c>polling</c>: the wait loops' interval, bound, expected times, linger and request rate, defaults applied.</summary>
internal static class PollingReader
{
    static readonly string[] PollingFields = ["intervalSeconds", "timeoutMinutes", "expectedCreationSeconds", "expectedRebootSeconds", "expectedDeletionSeconds", "lingerSeconds", "maxRequestsPerSecond"];

    public static PollingSpec? Read(JsonNode? node, SpecErrors errors)
    {
        if (node is null) return new PollingSpec(DefaultPollingIntervalSeconds, DefaultPollingTimeoutMinutes);
        if (CheckedObject(node, "polling", PollingFields, errors) is not { } obj) return null;
        var interval = OptionalInt(obj["intervalSeconds"], "polling.intervalSeconds", 1, MaxPollingIntervalSeconds, errors);
        var timeout = OptionalInt(obj["timeoutMinutes"], "polling.timeoutMinutes", 1, MaxPollingTimeoutMinutes, errors);
        var creation = OptionalInt(obj["expectedCreationSeconds"], "polling.expectedCreationSeconds", 1, 86400, errors);
        var reboot = OptionalInt(obj["expectedRebootSeconds"], "polling.expectedRebootSeconds", 1, 86400, errors);
        var deletion = OptionalInt(obj["expectedDeletionSeconds"], "polling.expectedDeletionSeconds", 1, 86400, errors);
        var linger = OptionalInt(obj["lingerSeconds"], "polling.lingerSeconds", 0, MaxLingerSeconds, errors);
        var rate = OptionalInt(obj["maxRequestsPerSecond"], "polling.maxRequestsPerSecond", 1, 100, errors);
        if ((obj["intervalSeconds"] is not null && interval is null) || (obj["timeoutMinutes"] is not null && timeout is null)
            || (obj["expectedCreationSeconds"] is not null && creation is null) || (obj["expectedRebootSeconds"] is not null && reboot is null)
            || (obj["expectedDeletionSeconds"] is not null && deletion is null)
            || (obj["lingerSeconds"] is not null && linger is null) || (obj["maxRequestsPerSecond"] is not null && rate is null)) return null;
        var result = new PollingSpec(interval ?? DefaultPollingIntervalSeconds, timeout ?? DefaultPollingTimeoutMinutes,
            creation ?? DefaultExpectedCreationSeconds, reboot ?? DefaultExpectedRebootSeconds, linger ?? 0, rate ?? DefaultPollingMaxRequestsPerSecond,
            deletion ?? DefaultExpectedDeletionSeconds);
        if (result.IntervalSeconds > result.TimeoutMinutes * 60)
        {
            errors.Add("polling.intervalSeconds", $"{result.IntervalSeconds} s is longer than polling.timeoutMinutes ({result.TimeoutMinutes} min)");
            return null;
        }
        return result;
    }
}
