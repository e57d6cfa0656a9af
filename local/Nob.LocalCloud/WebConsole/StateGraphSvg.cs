using System.Globalization;
using System.Xml.Linq;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// Draws a <see cref="GraphBlock"/> as SVG: states in layers top to bottom (centred), a Map or Parallel as a box around
/// its inner states with its iteration count, transitions as arrows (back edges curve round the right side, Catch
/// dashed). Each state is a <c>g.state</c> with <c>data-state</c> and its status as a class, which the page's script
/// changes as the execution goes on.
/// </summary>
public static class StateGraphSvg
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private const double NodeHeight = 34;
    private const double LayerGap = 34;
    private const double NodeGap = 18;
    private const double BoxHeader = 42;
    private const double BoxPadding = 14;
    private const double Margin = 16;

    public static XElement Draw(GraphBlock block, ExecutionProgress progress)
    {
        var sizes = new Dictionary<GraphNode, (double W, double H)>();
        var (width, height) = Measure(block, sizes);
        var svg = new XElement(Svg + "svg",
            new XAttribute("class", "graph"),
            new XAttribute("viewBox", $"0 0 {N(width + 2 * Margin)} {N(height + 2 * Margin)}"),
            new XAttribute("width", N(width + 2 * Margin)),
            new XAttribute("role", "img"),
            new XElement(Svg + "defs",
                new XElement(Svg + "marker", new XAttribute("id", "arrow"), new XAttribute("viewBox", "0 0 10 10"), new XAttribute("refX", "10"),
                    new XAttribute("refY", "5"), new XAttribute("markerWidth", "7"), new XAttribute("markerHeight", "7"), new XAttribute("orient", "auto-start-reverse"),
                    new XElement(Svg + "path", new XAttribute("d", "M 0 0 L 10 5 L 0 10 z")))));
        svg.Add(Place(block, Margin, Margin, width, sizes, progress));
        return svg;
    }

    /// <summary>What a Map node says of its iterations.</summary>
    public static string IterationText(MapIterations? iterations) => iterations is null
        ? "no iterations yet"
        : $"iterations: {iterations.Succeeded} of {Math.Max(iterations.Items, iterations.Started)} done" + (iterations.Failed > 0 ? $", {iterations.Failed} failed" : "");

    private static (double W, double H) Measure(GraphBlock block, Dictionary<GraphNode, (double W, double H)> sizes)
    {
        double width = 0, height = 0;
        foreach (var layer in block.Nodes.GroupBy(n => n.Layer))
        {
            double layerWidth = 0, layerHeight = 0;
            foreach (var node in layer)
            {
                var size = MeasureNode(node, sizes);
                layerWidth += size.W + (layerWidth > 0 ? NodeGap : 0);
                layerHeight = Math.Max(layerHeight, size.H);
            }

            width = Math.Max(width, layerWidth);
            height += layerHeight + (height > 0 ? LayerGap : 0);
        }

        // Room on the right for back edges.
        return (width + 2 * NodeGap, height);
    }

    private static (double W, double H) MeasureNode(GraphNode node, Dictionary<GraphNode, (double W, double H)> sizes)
    {
        var label = Math.Max(110, 7.2 * node.Name.Length + 24);
        (double W, double H) size = (label, NodeHeight);
        if (node.Inner.Count > 0)
        {
            var inner = node.Inner.Select(b => Measure(b, sizes)).ToList();
            size = (Math.Max(label + 120, inner.Sum(b => b.W) + NodeGap * (inner.Count - 1) + 2 * BoxPadding),
                BoxHeader + inner.Max(b => b.H) + BoxPadding);
        }

        sizes[node] = size;
        return size;
    }

    private static IEnumerable<XElement> Place(GraphBlock block, double x, double y, double width, Dictionary<GraphNode, (double W, double H)> sizes, ExecutionProgress progress)
    {
        var boxes = new Dictionary<string, (double X, double Y, double W, double H)>(StringComparer.Ordinal);
        var elements = new List<XElement>();
        var top = y;
        foreach (var layer in block.Nodes.GroupBy(n => n.Layer))
        {
            var nodes = layer.ToList();
            var layerWidth = nodes.Sum(n => sizes[n].W) + NodeGap * (nodes.Count - 1);
            var left = x + (width - 2 * NodeGap - layerWidth) / 2;
            foreach (var node in nodes)
            {
                var (w, h) = sizes[node];
                boxes[node.Name] = (left, top, w, h);
                elements.Add(NodeElement(node, left, top, w, h, sizes, progress));
                left += w + NodeGap;
            }

            top += nodes.Max(n => sizes[n].H) + LayerGap;
        }

        var backEdges = 0;
        var edges = new List<XElement>();
        foreach (var edge in block.Edges.Where(e => boxes.ContainsKey(e.From) && boxes.ContainsKey(e.To)))
        {
            edges.Add(Edge(edge, boxes[edge.From], boxes[edge.To], x + width, ref backEdges));
        }

        return edges.Concat(elements);
    }

    private static XElement NodeElement(GraphNode node, double x, double y, double w, double h, Dictionary<GraphNode, (double W, double H)> sizes, ExecutionProgress progress)
    {
        var group = new XElement(Svg + "g",
            new XAttribute("class", $"state type-{node.Type.ToLowerInvariant()} {progress.StatusOf(node.Name)}"),
            new XAttribute("data-state", node.Name),
            new XElement(Svg + "title", $"{node.Name} ({node.Type})"),
            new XElement(Svg + "rect", new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("width", N(w)), new XAttribute("height", N(h)), new XAttribute("rx", "6")));
        if (node.Inner.Count == 0)
        {
            group.Add(Text(node.Name, x + w / 2, y + h / 2 + 4, "middle"));
            return group;
        }

        group.Add(Text($"{node.Name} · {node.Type}", x + 10, y + 17, "start"));
        if (node.Type == "Map")
        {
            var counter = Text(IterationText(progress.Iterations.GetValueOrDefault(node.Name)), x + 10, y + 33, "start");
            counter.SetAttributeValue("class", "iterations");
            counter.SetAttributeValue("data-iterations", node.Name);
            group.Add(counter);
        }

        var left = x + BoxPadding;
        foreach (var inner in node.Inner)
        {
            var (innerWidth, _) = Measure(inner, sizes);
            group.Add(new XElement(Svg + "g", new XAttribute("class", "block"), Place(inner, left, y + BoxHeader, innerWidth, sizes, progress)));
            left += innerWidth + NodeGap;
        }

        return group;
    }

    private static XElement Edge(GraphEdge edge, (double X, double Y, double W, double H) from, (double X, double Y, double W, double H) to, double right, ref int backEdges)
    {
        string path;
        if (to.Y > from.Y)
        {
            path = $"M {N(from.X + from.W / 2)} {N(from.Y + from.H)} L {N(to.X + to.W / 2)} {N(to.Y)}";
        }
        else
        {
            // Back (a loop) or sideways: round the right side, each one a little further out.
            var outside = right - NodeGap + 4 * backEdges++;
            path = $"M {N(from.X + from.W)} {N(from.Y + from.H / 2)} C {N(outside)} {N(from.Y + from.H / 2)} {N(outside)} {N(to.Y + to.H / 2)} {N(to.X + to.W)} {N(to.Y + to.H / 2)}";
        }

        return new XElement(Svg + "path", new XAttribute("class", $"edge {edge.Kind}"), new XAttribute("d", path), new XAttribute("marker-end", "url(#arrow)"),
            new XAttribute("data-from", edge.From), new XAttribute("data-to", edge.To));
    }

    private static XElement Text(string text, double x, double y, string anchor) =>
        new(Svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y)), new XAttribute("text-anchor", anchor), text);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
