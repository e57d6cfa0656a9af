using System.Text.Json.Nodes;

namespace Nob.LocalCloud.WebConsole;

/// <summary>One state of a graph; a Map holds its item processor, a Parallel its branches, as inner blocks.</summary>
public sealed record GraphNode(string Name, string Type, int Layer, IReadOnlyList<GraphBlock> Inner);

/// <summary>A transition: <c>next</c>, <c>default</c>, <c>choice</c> or <c>catch</c>.</summary>
public sealed record GraphEdge(string From, string To, string Kind);

/// <summary>A set of states with a start (the machine, a Map's processor, a Parallel branch), each node in its layer.</summary>
public sealed record GraphBlock(string StartAt, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    /// <summary>Every node of this block and of the blocks inside it.</summary>
    public IEnumerable<GraphNode> AllNodes => Nodes.SelectMany(n => n.Inner.SelectMany(b => b.AllNodes).Prepend(n));
}

/// <summary>
/// The graph of a state machine read from its ASL (the definition DescribeStateMachine returns, already validated by the
/// runner when the template loaded): states, their transitions (Next, Choices, Default, Catch) and, for Map and
/// Parallel, their inner blocks. Each state's layer is its distance from StartAt (breadth first), so loops point back up.
/// </summary>
public static class StateGraph
{
    public static GraphBlock Read(string aslJson)
    {
        var root = JsonNode.Parse(aslJson) as JsonObject ?? throw new FormatException("the definition is not a JSON object");
        return ReadBlock(root);
    }

    private static GraphBlock ReadBlock(JsonObject block)
    {
        var startAt = block["StartAt"]?.GetValue<string>() ?? throw new FormatException("a block has no StartAt");
        var states = block["States"] as JsonObject ?? throw new FormatException("a block has no States");
        var edges = new List<GraphEdge>();
        foreach (var (name, node) in states)
        {
            if (node is JsonObject state)
            {
                edges.AddRange(EdgesOf(name, state));
            }
        }

        var layers = Layers(startAt, states.Select(s => s.Key), edges);
        var nodes = states
            .Where(s => s.Value is JsonObject)
            .Select(s => new GraphNode(s.Key, s.Value!["Type"]?.GetValue<string>() ?? "?", layers[s.Key], InnerBlocks((JsonObject)s.Value!)))
            .OrderBy(n => n.Layer)
            .ToList();
        return new GraphBlock(startAt, nodes, edges);
    }

    private static IEnumerable<GraphEdge> EdgesOf(string name, JsonObject state)
    {
        if (state["Next"]?.GetValue<string>() is { } next)
        {
            yield return new GraphEdge(name, next, "next");
        }

        foreach (var choice in state["Choices"] as JsonArray ?? [])
        {
            if (choice?["Next"]?.GetValue<string>() is { } target)
            {
                yield return new GraphEdge(name, target, "choice");
            }
        }

        if (state["Default"]?.GetValue<string>() is { } fallback)
        {
            yield return new GraphEdge(name, fallback, "default");
        }

        foreach (var catcher in state["Catch"] as JsonArray ?? [])
        {
            if (catcher?["Next"]?.GetValue<string>() is { } target)
            {
                yield return new GraphEdge(name, target, "catch");
            }
        }
    }

    private static IReadOnlyList<GraphBlock> InnerBlocks(JsonObject state)
    {
        if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor)
        {
            return [ReadBlock(processor)];
        }

        return state["Branches"] is JsonArray branches ? [.. branches.OfType<JsonObject>().Select(ReadBlock)] : [];
    }

    /// <summary>Breadth-first distance from the start; states not reachable from it go below the rest.</summary>
    private static Dictionary<string, int> Layers(string startAt, IEnumerable<string> names, List<GraphEdge> edges)
    {
        var layers = new Dictionary<string, int>(StringComparer.Ordinal) { [startAt] = 0 };
        var queue = new Queue<string>([startAt]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var edge in edges.Where(e => e.From == current && !layers.ContainsKey(e.To)))
            {
                layers[edge.To] = layers[current] + 1;
                queue.Enqueue(edge.To);
            }
        }

        var below = layers.Values.DefaultIfEmpty(0).Max() + 1;
        foreach (var name in names.Where(n => !layers.ContainsKey(n)))
        {
            layers[name] = below;
        }

        return layers;
    }
}
