using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Nob.Core.Lifecycle;
using Nob.Core.Workflow;

namespace Nob.Functions;

// What each step receives from the state machine. The spec travels as the JSON the user gave and is read by every step
// that needs it through StepSpec (validated, once per spec text in a warm process; why not carried parsed: see SpecMemo).

public sealed record SpecRequest(JsonElement Spec);

/// <param name="Recreation">Where the build's loop stands in replacing the broker (absent on its first turn).</param>
public sealed record EnsureBrokerRequest(JsonElement Spec, string BrokerName, BrokerRecreation? Recreation = null);

public sealed record PlanNetworkRequest(JsonElement Spec, IReadOnlyList<EnsuredBroker> Brokers);

public sealed record OpenIngressRequest(JsonElement Spec, NetworkPlanResult Plan);

public sealed record WriteRevisionRequest(JsonElement Spec, NetworkPlanResult Plan, string BrokerName);

public sealed record VerifyRequest(JsonElement Spec, NetworkPlanResult Plan);

public sealed record SummarizeRequest(
    JsonElement Spec,
    IReadOnlyList<EnsuredBroker> Brokers,
    NetworkPlanResult Plan,
    IngressResult Ingress,
    IReadOnlyList<RevisionResult> Revisions,
    VerificationResult Verification,
    DateTimeOffset? StartedAt);

/// <summary>Source-generated (de)serialization of every step's input and output: no reflection, camelCase like the ASL.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SpecRequest))]
[JsonSerializable(typeof(EnsureBrokerRequest))]
[JsonSerializable(typeof(PlanNetworkRequest))]
[JsonSerializable(typeof(OpenIngressRequest))]
[JsonSerializable(typeof(WriteRevisionRequest))]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(SummarizeRequest))]
[JsonSerializable(typeof(BrokerWork))]
[JsonSerializable(typeof(ValidatedNetwork))]
[JsonSerializable(typeof(EnsuredBroker))]
[JsonSerializable(typeof(BrokerWait))]
[JsonSerializable(typeof(BrokerWaitStatus))]
[JsonSerializable(typeof(CreationStage))]
[JsonSerializable(typeof(CreationStageStatus))]
[JsonSerializable(typeof(RebootStage))]
[JsonSerializable(typeof(RebootStageStatus))]
[JsonSerializable(typeof(NetworkPlanResult))]
[JsonSerializable(typeof(IngressResult))]
[JsonSerializable(typeof(RevisionResult))]
[JsonSerializable(typeof(VerificationResult))]
[JsonSerializable(typeof(NetworkSummary))]
[JsonSerializable(typeof(ConvergedCheck))]
public sealed partial class StepJson : JsonSerializerContext
{
    public static async Task<T> ReadAsync<T>(Stream input, JsonTypeInfo<T> type)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(input, type) ?? throw new StepInputException($"the input of this step is null; expected {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            throw new StepInputException($"the input of this step is not a {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>A handler's whole turn: read the step's input, run the core on it, write what it returns.</summary>
    public static async Task<Stream> RunAsync<TRequest, TResult>(Stream input, JsonTypeInfo<TRequest> request, JsonTypeInfo<TResult> result,
        Func<TRequest, Task<TResult>> step) =>
        Write(await step(await ReadAsync(input, request)), result);

    /// <inheritdoc cref="RunAsync{TRequest, TResult}(Stream, JsonTypeInfo{TRequest}, JsonTypeInfo{TResult}, Func{TRequest, Task{TResult}})"/>
    public static async Task<Stream> RunAsync<TRequest, TResult>(Stream input, JsonTypeInfo<TRequest> request, JsonTypeInfo<TResult> result,
        Func<TRequest, TResult> step) =>
        Write(step(await ReadAsync(input, request)), result);

    public static Stream Write<T>(T value, JsonTypeInfo<T> type)
    {
        var output = new MemoryStream();
        JsonSerializer.Serialize(output, value, type);
        output.Position = 0;
        return output;
    }
}

/// <summary>The state machine handed a step input of the wrong shape: a bug in the ASL, never retried.</summary>
public sealed class StepInputException(string message) : Exception(message);
