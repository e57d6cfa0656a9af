using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nob.Cli.Local.Workflow;

/// <summary>
/// What live progress reads from a task state's input, each from one place the state machines define: a per-broker state
/// (an iteration of EnsureBrokers, RecreateBrokers, WriteRevisions or TeardownBrokers) has its broker at the top,
/// <c>brokerName</c>, as the Map's ItemSelector puts it; a stage's turn (CheckBrokers, RebootBrokers) has the stage's last
/// status in <c>wait.value</c> or <c>reboot.value</c>.
/// </summary>
public sealed record StateInput(string? BrokerName, StateInput.Result? Wait, StateInput.Result? Reboot)
{
    /// <summary>A task's result as the state machines keep it (<c>{"value": …}</c>).</summary>
    public sealed record Result(Stage? Value);

    /// <summary>A wait stage's status: the brokers it waits for (the creation stage's), and each one's last check.</summary>
    public sealed record Stage(IReadOnlyList<StageBroker>? Brokers, IReadOnlyList<StageWait>? Waits);

    public sealed record StageBroker(string? BrokerName);

    public sealed record StageWait(string? BrokerName, string? State, bool Ready);

    /// <summary>The input's view, or null when it is not a JSON object of that shape.</summary>
    public static StateInput? Parse(string input)
    {
        try
        {
            return JsonSerializer.Deserialize(input, StateInputJson.Default.StateInput);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StateInput))]
internal sealed partial class StateInputJson : JsonSerializerContext;
