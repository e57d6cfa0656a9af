using System.Text.Json;
using System.Text.Json.Serialization;
using Nob.Core.Lifecycle;
using Nob.Core.Workflow;

namespace Nob.Functions;

// Inputs and outputs of the lifecycle steps (store, drift check, teardown), camelCase like the ASL. Read and written
// through StepJson.ReadAsync/Write, so a wrong shape is a StepInputException as for the build steps.

/// <param name="Plan">The plan the execution has (PlanNetwork's or the converged check's): the brokers' ids, endpoints and tags.</param>
public sealed record StoreNetworkRequest(JsonElement Spec, IReadOnlyList<EnsuredBroker> Brokers, NetworkPlanResult Plan, string? ExecutionName);

public sealed record ListNetworksRequest(string? NetworkName, bool? Verify, bool? Repair);

public sealed record ListNetworksResponse(IReadOnlyList<string> Networks, bool Verify, bool Repair);

public sealed record NetworkNameRequest(string NetworkName);

public sealed record CheckDriftResponse(string NetworkName, JsonElement Spec, NetworkPlanResult? Plan, DriftReport Report);

/// <summary>What a Step Functions Catch puts in the state: its fields are capitalized (Error, Cause).</summary>
public sealed record CaughtError(
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("Cause")] string? Cause);

public sealed record ReportDriftRequest(DriftReport Report, VerificationResult? Verification, CaughtError? VerificationError);

/// <param name="Polling">Optional: a spec's <c>polling</c> object to wait by instead of the spec's (local mode sends its own).</param>
public sealed record PlanTeardownRequest(string NetworkName, JsonElement? Spec, JsonElement? Polling = null);

public sealed record PlanTeardownResponse(string NetworkName, JsonElement Spec, IReadOnlyList<string> Brokers, PollPlan Polling, bool Stored);

/// <param name="Brokers">The teardown plan's brokers (absent: the spec's).</param>
public sealed record RevokeIngressRequest(string NetworkName, JsonElement Spec, IReadOnlyList<string>? Brokers = null);

public sealed record RevokeIngressResponse(string NetworkName, IReadOnlyList<IngressRule> Revoked);

public sealed record FinishTeardownResponse(string NetworkName, bool RecordDeleted);

/// <summary>Source-generated (de)serialization of the lifecycle steps, kept apart from <see cref="StepJson"/> (the build's).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(StoreNetworkRequest))]
[JsonSerializable(typeof(StoredNetwork))]
[JsonSerializable(typeof(ListNetworksRequest))]
[JsonSerializable(typeof(ListNetworksResponse))]
[JsonSerializable(typeof(NetworkNameRequest))]
[JsonSerializable(typeof(CheckDriftResponse))]
[JsonSerializable(typeof(ReportDriftRequest))]
[JsonSerializable(typeof(DriftReport))]
[JsonSerializable(typeof(PlanTeardownRequest))]
[JsonSerializable(typeof(PlanTeardownResponse))]
[JsonSerializable(typeof(RevokeIngressRequest))]
[JsonSerializable(typeof(RevokeIngressResponse))]
[JsonSerializable(typeof(BrokerTeardown))]
[JsonSerializable(typeof(BrokerTeardownStatus))]
[JsonSerializable(typeof(FinishTeardownResponse))]
public sealed partial class LifecycleJson : JsonSerializerContext
{
    /// <summary>A stored spec (raw JSON) as an object in the step's output.</summary>
    public static JsonElement Object(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
