using System.Globalization;
using System.Xml.Linq;
using Nob.Core.Planning;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// A network's topology as SVG: its brokers on a circle and the plan's links (<see cref="TopologyLinks"/>: owner → target,
/// an arrowhead at both ends when duplex). Each broker is a <c>g.broker</c> with <c>data-broker</c>, each link a
/// <c>line.link</c> with <c>data-from</c>/<c>data-to</c>.
/// </summary>
public static class TopologySvg
{
    private const double BoxWidth = 130;
    private const double BoxHeight = 30;

    public static XElement Draw(IReadOnlyList<string> brokers, IReadOnlyList<Link> links)
    {
        var svg = StateGraphSvg.Svg;
        var radius = brokers.Count <= 1 ? 0 : Math.Max(90, brokers.Count * (BoxWidth + 20) / (2 * Math.PI));
        var size = 2 * radius + BoxWidth + 40;
        var centre = size / 2;
        var positions = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        for (var i = 0; i < brokers.Count; i++)
        {
            var angle = -Math.PI / 2 + 2 * Math.PI * i / Math.Max(1, brokers.Count);
            positions[brokers[i]] = (centre + radius * Math.Cos(angle), centre + radius * 0.75 * Math.Sin(angle));
        }

        var height = 1.5 * radius + BoxHeight + 40;
        var root = new XElement(svg + "svg", new XAttribute("class", "topology"), new XAttribute("viewBox", $"0 {N(centre - height / 2)} {N(size)} {N(height)}"),
            new XAttribute("width", N(size)), new XAttribute("role", "img"),
            new XElement(svg + "defs",
                new XElement(svg + "marker", new XAttribute("id", "link-arrow"), new XAttribute("viewBox", "0 0 10 10"), new XAttribute("refX", "10"), new XAttribute("refY", "5"),
                    new XAttribute("markerWidth", "7"), new XAttribute("markerHeight", "7"), new XAttribute("orient", "auto-start-reverse"),
                    new XElement(svg + "path", new XAttribute("d", "M 0 0 L 10 5 L 0 10 z")))));
        foreach (var link in links.Where(l => positions.ContainsKey(l.From) && positions.ContainsKey(l.To)))
        {
            var (x1, y1) = Edge(positions[link.From], positions[link.To]);
            var (x2, y2) = Edge(positions[link.To], positions[link.From]);
            var line = new XElement(svg + "line", new XAttribute("class", link.Duplex ? "link duplex" : "link"),
                new XAttribute("x1", N(x1)), new XAttribute("y1", N(y1)), new XAttribute("x2", N(x2)), new XAttribute("y2", N(y2)),
                new XAttribute("marker-end", "url(#link-arrow)"), new XAttribute("data-from", link.From), new XAttribute("data-to", link.To));
            if (link.Duplex)
            {
                line.SetAttributeValue("marker-start", "url(#link-arrow)");
            }

            root.Add(line);
        }

        foreach (var (name, (x, y)) in positions)
        {
            root.Add(new XElement(svg + "g", new XAttribute("class", "broker"), new XAttribute("data-broker", name),
                new XElement(svg + "rect", new XAttribute("x", N(x - BoxWidth / 2)), new XAttribute("y", N(y - BoxHeight / 2)),
                    new XAttribute("width", N(BoxWidth)), new XAttribute("height", N(BoxHeight)), new XAttribute("rx", "15")),
                new XElement(svg + "text", new XAttribute("x", N(x)), new XAttribute("y", N(y + 4)), new XAttribute("text-anchor", "middle"), name)));
        }

        return root;
    }

    /// <summary>Where the line from <paramref name="from"/> towards <paramref name="to"/> leaves the box at <paramref name="from"/>.</summary>
    private static (double X, double Y) Edge((double X, double Y) from, (double X, double Y) to)
    {
        var (dx, dy) = (to.X - from.X, to.Y - from.Y);
        if (dx == 0 && dy == 0)
        {
            return from;
        }

        var scale = Math.Min(dx == 0 ? double.MaxValue : BoxWidth / 2 / Math.Abs(dx), dy == 0 ? double.MaxValue : BoxHeight / 2 / Math.Abs(dy));
        return (from.X + dx * scale, from.Y + dy * scale);
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
