using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Paths;

/// <summary>
/// A Step Functions path: JSONPath as Step Functions evaluates it (Jayway semantics). <c>$</c> addresses the state's
/// input, <c>$$</c> the context object. Supported: <c>.name</c>, <c>['name']</c> (and unions <c>['a','b']</c>),
/// <c>[0]</c>, <c>[-1]</c>, <c>[0,2]</c>, <c>[*]</c>, <c>.*</c>, <c>[1:3]</c>, deep scan <c>..name</c>. Filter and
/// script expressions (<c>[?(...)]</c>, <c>[(...)]</c>) and slices with a step are rejected when the definition loads.
/// A definite path (names and indexes only) yields one value or "not found"; an indefinite one yields an array of every
/// match (possibly empty), as Jayway returns a list.
/// </summary>
internal sealed class JsonPath
{
    abstract record Segment;
    sealed record Name(string Value) : Segment;
    sealed record Names(IReadOnlyList<string> Values) : Segment;
    sealed record Index(int Value) : Segment;
    sealed record Indexes(IReadOnlyList<int> Values) : Segment;
    sealed record Wildcard : Segment;
    sealed record Slice(int? Start, int? End) : Segment;
    sealed record Deep(Segment Inner) : Segment;

    readonly IReadOnlyList<Segment> segments;

    JsonPath(string text, bool isContext, IReadOnlyList<Segment> segments)
    {
        Text = text;
        IsContext = isContext;
        this.segments = segments;
        IsDefinite = segments.All(s => s is Name or Index);
        IsReference = segments.All(s => s is Name || s is Index { Value: >= 0 });
    }

    public string Text { get; }

    /// <summary>True for <c>$$…</c> paths, which address the context object.</summary>
    public bool IsContext { get; }

    /// <summary>Only names and indexes: selects at most one value.</summary>
    public bool IsDefinite { get; }

    /// <summary>A Reference Path (spec): names and non-negative indexes only; what ResultPath and friends require.</summary>
    public bool IsReference { get; }

    /// <summary>True for <c>$</c> (or <c>$$</c>) alone.</summary>
    public bool IsRoot => segments.Count == 0;

    public override string ToString() => Text;

    /// <summary>Parses a path; throws <see cref="FormatException"/> (bad syntax) or <see cref="NotSupportedException"/> (filters, steps).</summary>
    public static JsonPath Parse(string text) => new Parser(text).Parse();

    /// <summary>
    /// Evaluates the path against <paramref name="root"/>. Definite paths: false when nothing is there. Indefinite paths:
    /// always true, with an array of the matches. The value returned is a copy, free to be placed in another tree.
    /// </summary>
    public bool TryEvaluate(JsonNode? root, out JsonNode? value)
    {
        var current = new List<JsonNode?> { root };
        foreach (var segment in segments)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current) Apply(segment, node, next);
            current = next;
        }
        if (IsDefinite)
        {
            value = current.Count == 0 ? null : JsonText.Clone(current[0]);
            return current.Count > 0;
        }
        value = new JsonArray([.. current.Select(JsonText.Clone)]);
        return true;
    }

    /// <summary>
    /// Returns a copy of <paramref name="root"/> with <paramref name="value"/> placed at this (reference) path, creating
    /// missing objects on the way, as ResultPath does. Throws <see cref="InvalidOperationException"/> when the input
    /// cannot hold the value there (not an object, an index out of range, a scalar on the way).
    /// </summary>
    public JsonNode? Place(JsonNode? root, JsonNode? value)
    {
        value = JsonText.Detached(value);
        if (segments.Count == 0) return value;
        if (root is not (JsonObject or JsonArray)) throw new InvalidOperationException($"the input is {JsonText.Describe(root)}, not an object");
        var copy = root.DeepClone();
        JsonNode container = copy;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            switch (segments[i], container)
            {
                case (Name name, JsonObject obj):
                    if (last)
                    {
                        obj[name.Value] = value;
                        break;
                    }
                    if (!obj.TryGetPropertyValue(name.Value, out var child))
                    {
                        child = new JsonObject();
                        obj[name.Value] = child;
                    }
                    container = child as JsonObject as JsonNode ?? child as JsonArray
                        ?? throw new InvalidOperationException($"'{name.Value}' holds {JsonText.Describe(child)}, not an object");
                    break;
                case (Index index, JsonArray array):
                    if (index.Value >= array.Count) throw new InvalidOperationException($"index {index.Value} is out of range (the array has {array.Count} elements)");
                    if (last)
                    {
                        array[index.Value] = value;
                        break;
                    }
                    var element = array[index.Value];
                    container = element as JsonObject as JsonNode ?? element as JsonArray
                        ?? throw new InvalidOperationException($"element {index.Value} is {JsonText.Describe(element)}, not an object");
                    break;
                case (Name name, _):
                    throw new InvalidOperationException($"'{name.Value}' cannot be set on {JsonText.Describe(container)}");
                default:
                    throw new InvalidOperationException($"an index cannot be used on {JsonText.Describe(container)}");
            }
        }
        return copy;
    }

    static void Apply(Segment segment, JsonNode? node, List<JsonNode?> into)
    {
        switch (segment)
        {
            case Name name:
                if (node is JsonObject o && o.TryGetPropertyValue(name.Value, out var v)) into.Add(v);
                break;
            case Names names:
                foreach (var n in names.Values) Apply(new Name(n), node, into);
                break;
            case Index index:
                if (node is JsonArray a)
                {
                    var i = index.Value < 0 ? a.Count + index.Value : index.Value;
                    if (i >= 0 && i < a.Count) into.Add(a[i]);
                }
                break;
            case Indexes indexes:
                foreach (var i in indexes.Values) Apply(new Index(i), node, into);
                break;
            case Wildcard:
                if (node is JsonObject wo) into.AddRange(wo.Select(p => p.Value));
                else if (node is JsonArray wa) into.AddRange(wa);
                break;
            case Slice slice:
                if (node is JsonArray sa)
                {
                    var count = sa.Count;
                    var start = Clamp(slice.Start ?? 0, count);
                    var end = Clamp(slice.End ?? count, count);
                    for (var i = start; i < end; i++) into.Add(sa[i]);
                }
                break;
            case Deep deep:
                foreach (var d in SelfAndDescendants(node)) Apply(deep.Inner, d, into);
                break;
        }
    }

    static int Clamp(int index, int count) => Math.Clamp(index < 0 ? count + index : index, 0, count);

    static IEnumerable<JsonNode?> SelfAndDescendants(JsonNode? node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.ToList())
            foreach (var d in SelfAndDescendants(child)) yield return d;
    }

    sealed class Parser(string text)
    {
        int i;

        public JsonPath Parse()
        {
            if (!text.StartsWith('$')) throw new FormatException($"'{text}' is not a path: a path starts with '$'");
            var isContext = text.StartsWith("$$", StringComparison.Ordinal);
            i = isContext ? 2 : 1;
            var segments = new List<Segment>();
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '.')
                {
                    if (At(i + 1) == '.')
                    {
                        i += 2;
                        segments.Add(new Deep(At(i) == '[' ? Bracket() : AfterDot()));
                    }
                    else
                    {
                        i++;
                        segments.Add(AfterDot());
                    }
                }
                else if (c == '[')
                {
                    segments.Add(Bracket());
                }
                else
                {
                    throw Bad($"unexpected '{c}' at position {i}");
                }
            }
            return new JsonPath(text, isContext, segments);
        }

        char? At(int index) => index < text.Length ? text[index] : null;

        FormatException Bad(string why) => new($"'{text}' is not a valid path: {why}");

        Segment AfterDot()
        {
            if (At(i) == '*')
            {
                i++;
                return new Wildcard();
            }
            var start = i;
            while (i < text.Length && text[i] != '.' && text[i] != '[') i++;
            if (i == start) throw Bad($"a name is missing at position {start}");
            return new Name(text[start..i]);
        }

        Segment Bracket()
        {
            i++; // [
            SkipSpaces();
            var c = At(i) ?? throw Bad("unclosed '['");
            Segment segment;
            if (c == '*')
            {
                i++;
                segment = new Wildcard();
            }
            else if (c is '?' or '(')
            {
                throw new NotSupportedException($"the filter or script expression in '{text}'");
            }
            else if (c is '\'' or '"')
            {
                var names = new List<string> { Quoted() };
                SkipSpaces();
                while (At(i) == ',')
                {
                    i++;
                    SkipSpaces();
                    names.Add(Quoted());
                    SkipSpaces();
                }
                segment = names.Count == 1 ? new Name(names[0]) : new Names(names);
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] != ']') i++;
                var content = text[start..i].Replace(" ", "", StringComparison.Ordinal);
                if (content.Contains(':', StringComparison.Ordinal))
                {
                    var parts = content.Split(':');
                    if (parts.Length > 2) throw new NotSupportedException($"the slice with a step in '{text}'");
                    segment = new Slice(OptionalInt(parts[0]), OptionalInt(parts[1]));
                }
                else
                {
                    var indexes = content.Split(',').Select(Int).ToList();
                    segment = indexes.Count == 1 ? new Index(indexes[0]) : new Indexes(indexes);
                }
            }
            SkipSpaces();
            if (At(i) != ']') throw Bad($"expected ']' at position {i}");
            i++;
            return segment;
        }

        void SkipSpaces()
        {
            while (At(i) == ' ') i++;
        }

        string Quoted()
        {
            var quote = text[i++];
            var sb = new StringBuilder();
            while (true)
            {
                var c = At(i) ?? throw Bad("unclosed quote");
                i++;
                if (c == quote) return sb.ToString();
                if (c == '\\')
                {
                    sb.Append(At(i) ?? throw Bad("unclosed quote"));
                    i++;
                    continue;
                }
                sb.Append(c);
            }
        }

        int? OptionalInt(string s) => s.Length == 0 ? null : Int(s);

        int Int(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Bad($"'{s}' is not an index");
    }
}
