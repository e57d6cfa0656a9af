using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Paths;

/// <summary>What a path, a payload template or an intrinsic function is evaluated against.</summary>
internal sealed class EvaluationScope(JsonNode? input, Func<JsonNode> context, Func<double> random)
{
    JsonNode? contextObject;

    /// <summary>The state's effective input, addressed by <c>$</c>.</summary>
    public JsonNode? Input { get; } = input;

    /// <summary>The context object, addressed by <c>$$</c> (built on first use).</summary>
    public JsonNode Context => contextObject ??= context();

    /// <summary>A number in [0, 1) from the execution's random source (thread-safe).</summary>
    public Func<double> Random { get; } = random;

    public bool TryEvaluate(JsonPath path, out JsonNode? value) => path.TryEvaluate(path.IsContext ? Context : Input, out value);

    public string Describe(JsonPath path) => path.IsContext ? "the context object" : $"the input '{JsonText.Serialize(Input)}'";
}
