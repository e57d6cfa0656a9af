using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;

namespace Nob.Functions;

/// <summary>
/// The one place a step's spec JSON becomes a <see cref="NetworkSpec"/>, for every handler. The spec travels through an
/// execution as the JSON the user gave (the state machine's input), not parsed: a parsed spec (defaults applied, every
/// broker's settings spelled out) is the same spec again, larger (the 41-broker mesh example: 1,036 bytes as given,
/// 8,810 parsed), and the ASL passes the spec into every Map iteration's input and most states, so carrying it would
/// multiply what <see cref="Core.Workflow.StateBudget"/> bounds within Step Functions' 256 KiB per state, for nothing a
/// step could trust without checking it anyway. So it is parsed here, once per spec text in a warm process: a Map's
/// iterations that land in one Lambda container, and every step of local mode's one process, parse it once. A kept
/// spec passed <see cref="SpecReader.ReadValid"/> for exactly that text (a spec is immutable, so sharing it is safe);
/// an invalid one is not kept and fails by name each time. The plan is kept likewise, by spec and endpoints
/// (<see cref="Core.Workflow.PlanMemo"/>).
/// </summary>
public static class StepSpec
{
    /// <summary>How many spec texts are kept: the networks one container builds at about the same time.</summary>
    const int KeptSpecs = 8;

    static readonly Lock Gate = new();
    static readonly Dictionary<string, NetworkSpec> ByText = new(StringComparer.Ordinal);
    static readonly Queue<string> Order = new();

    /// <summary>The spec a step was given, which must be valid (else <see cref="InvalidSpecException"/> with every error).</summary>
    public static NetworkSpec Read(JsonElement spec) => Read(spec.GetRawText());

    public static NetworkSpec Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Find(json) ?? Keep(json, SpecReader.ReadValid(json));
    }

    /// <summary>An optional spec given along (teardown's): null when absent or JSON null; an invalid one keeps its errors.</summary>
    public static GivenSpec? ReadGiven(JsonElement? spec)
    {
        if (spec is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given) return null;
        var json = given.GetRawText();
        if (Find(json) is { } kept) return new GivenSpec(json, kept, []);
        var read = SpecReader.Read(json);
        return new GivenSpec(json, read.Spec is { } valid ? Keep(json, valid) : null, read.Errors);
    }

    /// <summary>An optional <c>polling</c> object given along: null when absent or JSON null; validated as a spec's.</summary>
    public static PollingSpec? ReadPolling(JsonElement? polling) =>
        polling is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given
            ? SpecReader.ReadValidPolling(JsonNode.Parse(given.GetRawText(), documentOptions: SpecReader.DocumentOptions))
            : null;

    static NetworkSpec? Find(string json)
    {
        lock (Gate) return ByText.TryGetValue(json, out var spec) ? spec : null;
    }

    static NetworkSpec Keep(string json, NetworkSpec spec)
    {
        lock (Gate)
        {
            if (ByText.TryGetValue(json, out var first)) return first; // read meanwhile by another step: one instance, one plan
            if (Order.Count == KeptSpecs) ByText.Remove(Order.Dequeue());
            ByText[json] = spec;
            Order.Enqueue(json);
            return spec;
        }
    }
}
