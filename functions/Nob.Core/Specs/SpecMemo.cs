namespace Nob.Core.Specs;

/// <summary>
/// The one way a step turns spec JSON into a <see cref="NetworkSpec"/>: the handlers' specs and the specs Core's steps
/// read from stored records alike. The spec travels through an execution as the JSON the user gave (the state
/// machine's input), not parsed: a parsed spec (defaults applied, every broker's settings spelled out) is the same spec
/// again, larger (the 41-broker mesh example: 1,036 bytes as given, 8,810 parsed), and the ASL passes the spec into
/// every Map iteration's input and most states, so carrying it would multiply what <see cref="Workflow.StateBudget"/>
/// bounds within Step Functions' 256 KiB per state, for nothing a step could trust without checking it anyway. So it is
/// parsed here, once per spec text in a warm process: a Map's iterations that land in one Lambda container, every step
/// of local mode's one process, and a drift check's CheckNetwork (the stored text) and VerifyBridge (the same text,
/// passed on) parse it once. The same text gives the same instance, so <see cref="Workflow.PlanMemo"/>, keyed by it,
/// plans it once per endpoints. A kept spec passed <see cref="SpecReader.ReadValid"/> for exactly that text (a spec is
/// immutable, so sharing it is safe); an invalid one is not kept and fails by name each time.
/// </summary>
public static class SpecMemo
{
    /// <summary>How many spec texts are kept: the networks one container builds or checks at about the same time.</summary>
    const int KeptSpecs = 8;

    static readonly Lock Gate = new();
    static readonly Dictionary<string, NetworkSpec> ByText = new(StringComparer.Ordinal);
    static readonly Queue<string> Order = new();

    /// <summary>The spec of this text, which must be valid (else <see cref="InvalidSpecException"/> with every error).</summary>
    public static NetworkSpec ReadValid(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Find(json) ?? Keep(json, SpecReader.ReadValid(json));
    }

    /// <summary>The spec of this text, or every error in it (for a caller that decides what an invalid spec means).</summary>
    public static SpecReadResult Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (Find(json) is { } kept) return new SpecReadResult(kept, []);
        var read = SpecReader.Read(json);
        return read.Spec is { } valid ? read with { Spec = Keep(json, valid) } : read;
    }

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
