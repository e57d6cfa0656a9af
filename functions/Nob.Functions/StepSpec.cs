using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;

namespace Nob.Functions;

/// <summary>
/// A step input's spec members as Core reads them: the spec through <see cref="SpecMemo"/> (once per spec text in a warm
/// process; why the spec travels unparsed: see there), teardown's optional spec and polling too.
/// </summary>
public static class StepSpec
{
    /// <summary>The spec a step was given, which must be valid (else <see cref="InvalidSpecException"/> with every error).</summary>
    public static NetworkSpec Read(JsonElement spec) => SpecMemo.ReadValid(spec.GetRawText());

    /// <summary>An optional spec given along (teardown's): null when absent or JSON null; an invalid one keeps its errors.</summary>
    public static GivenSpec? ReadGiven(JsonElement? spec)
    {
        if (spec is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given) return null;
        var json = given.GetRawText();
        var read = SpecMemo.Read(json);
        return new GivenSpec(json, read.Spec, read.Errors);
    }

    /// <summary>An optional <c>polling</c> object given along: null when absent or JSON null; validated as a spec's.</summary>
    public static PollingSpec? ReadPolling(JsonElement? polling) =>
        polling is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given
            ? SpecReader.ReadValidPolling(JsonNode.Parse(given.GetRawText(), documentOptions: SpecReader.DocumentOptions))
            : null;
}
