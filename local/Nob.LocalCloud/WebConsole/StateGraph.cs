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
/// Parallel, their inner blocks, each state in a layer (the longest path to it from StartAt, loops pointing back up).
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

        var names = states.Where(s => s.Value is JsonObject).Select(s => s.Key).ToList();
        var layers = Layers(startAt, names, edges);
        var order = Order(names, layers, edges);
        var nodes = names
            .Select(name => new GraphNode(name, states[name]!["Type"]?.GetValue<string>() ?? "?", layers[name], InnerBlocks((JsonObject)states[name]!)))
            .OrderBy(n => n.Layer).ThenBy(n => order[n.Name])
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

    /// <summary>
    /// Layers by the longest path from the start over the transitions that do not loop back (a depth-first search from
    /// StartAt finds those), so the main flow reads top to bottom; states not reachable from the start go below the rest.
    /// </summary>
    private static Dictionary<string, int> Layers(string startAt, List<string> names, List<GraphEdge> edges)
    {
        var known = names.ToHashSet(StringComparer.Ordinal);
        var outgoing = names.ToDictionary(n => n, n => edges.Where(e => e.From == n && known.Contains(e.To)).Select(e => e.To).ToList(), StringComparer.Ordinal);
        var finished = new List<string>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the stack, 2 done
        var back = new HashSet<(string, string)>();
        var stack = new Stack<(string Node, int Next)>();
        if (known.Contains(startAt))
        {
            stack.Push((startAt, 0));
            state[startAt] = 1;
        }

        while (stack.TryPop(out var top))
        {
            var targets = outgoing[top.Node];
            if (top.Next == targets.Count)
            {
                state[top.Node] = 2;
                finished.Add(top.Node);
                continue;
            }

            stack.Push((top.Node, top.Next + 1));
            var target = targets[top.Next];
            switch (state.GetValueOrDefault(target))
            {
                case 0:
                    state[target] = 1;
                    stack.Push((target, 0));
                    break;
                case 1:
                    back.Add((top.Node, target));
                    break;
            }
        }

        var layers = new Dictionary<string, int>(StringComparer.Ordinal);
        finished.Reverse(); // a topological order of the forward transitions
        foreach (var name in finished)
        {
            var layer = layers.GetValueOrDefault(name);
            layers[name] = layer;
            foreach (var target in outgoing[name].Where(t => !back.Contains((name, t))))
            {
                layers[target] = Math.Max(layers.GetValueOrDefault(target), layer + 1);
            }
        }

        var below = layers.Values.DefaultIfEmpty(-1).Max() + 1;
        foreach (var name in names.Where(n => !layers.ContainsKey(n)))
        {
            layers[name] = below;
        }

        return layers;
    }

    /// <summary>Left to right within a layer: by the mean position of the states leading to it (Next and Choices before Catch), else in definition order.</summary>
    private static Dictionary<string, double> Order(List<string> names, Dictionary<string, int> layers, List<GraphEdge> edges)
    {
        var order = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var layer in names.GroupBy(n => layers[n]).OrderBy(g => g.Key))
        {
            var placed = layer.Select((name, index) =>
            {
                var from = edges.Where(e => e.To == name && order.ContainsKey(e.From)).ToList();
                var main = from.Where(e => e.Kind != "catch").ToList();
                var chosen = main.Count > 0 ? main : from;
                return (name, key: chosen.Count > 0 ? chosen.Average(e => order[e.From]) + (main.Count > 0 ? 0 : 0.5) : index);
            }).OrderBy(p => p.key).ToList();
            for (var i = 0; i < placed.Count; i++)
            {
                order[placed[i].name] = i;
            }
        }

        return order;
    }
}
