using System.Text.Json.Nodes;
using static Nob.Core.Specs.SpecJson;
using static Nob.Core.Specs.SpecReader;

namespace Nob.Core.Specs;

/// <summary>Reads <c>verification</c>: whether bridges are proved, each pair's timeout, and how many receivers at once.</summary>
internal static class VerificationReader
{
    static readonly string[] VerificationFields = ["enabled", "timeoutSeconds", "maxConcurrency"];

    public static VerificationSpec? Read(JsonNode? node, SpecErrors errors)
    {
        if (node is null) return new VerificationSpec(true, DefaultVerificationTimeoutSeconds);
        if (CheckedObject(node, "verification", VerificationFields, errors) is not { } obj) return null;
        var enabled = OptionalBool(obj["enabled"], "verification.enabled", errors);
        var timeout = OptionalInt(obj["timeoutSeconds"], "verification.timeoutSeconds", 1, MaxVerificationTimeoutSeconds, errors);
        var concurrency = OptionalInt(obj["maxConcurrency"], "verification.maxConcurrency", 1, MaxVerificationConcurrency, errors);
        if ((obj["enabled"] is not null && enabled is null) || (obj["timeoutSeconds"] is not null && timeout is null)
            || (obj["maxConcurrency"] is not null && concurrency is null)) return null;
        return new VerificationSpec(enabled ?? true, timeout ?? DefaultVerificationTimeoutSeconds, concurrency ?? DefaultVerificationMaxConcurrency);
    }
}
