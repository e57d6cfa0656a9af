using System.Globalization;
using System.Xml.Linq;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// The console's pages as well-formed XHTML built with LINQ to XML, so every text and attribute from a spec, an
/// execution or a broker is escaped by construction. Served as text/html: empty non-void elements get an end tag.
/// </summary>
public static class ConsoleHtml
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal) { "meta", "link", "input", "br", "img", "hr" };

    /// <summary>An element; null content is skipped.</summary>
    public static XElement E(string name, params object?[] content) => new(name, content.Where(c => c is not null));

    public static XAttribute A(string name, object value) => new(name, value);

    public static XElement Page(string title, string section, IEnumerable<object?> body, bool script = false) =>
        E("html", A("lang", "en"),
            E("head",
                E("meta", A("charset", "utf-8")),
                E("title", $"{title} · nob local console"),
                E("link", A("rel", "stylesheet"), A("href", ConsoleAccess.Prefix + "/assets/console.css")),
                script ? E("script", A("src", ConsoleAccess.Prefix + "/assets/console.js"), A("defer", "defer")) : null),
            E("body",
                E("header",
                    E("span", A("class", "brand"), "nob local console"),
                    E("nav",
                        Nav("networks", "Networks", section),
                        Nav("executions", "Executions", section),
                        Nav("start", "Start", section))),
                E("main", E("h1", title), body)));

    private static XElement Nav(string path, string text, string section) =>
        E("a", A("href", $"{ConsoleAccess.Prefix}/{path}"), section == path ? A("class", "active") : null, text);

    /// <summary>The page as text/html: the doctype, and every empty element that HTML does not allow to self-close opened and closed.</summary>
    public static string Render(XElement html)
    {
        foreach (var element in html.DescendantsAndSelf().Where(e => e.Name.Namespace == XNamespace.None && !e.Nodes().Any() && !VoidElements.Contains(e.Name.LocalName)))
        {
            element.Value = "";
        }

        return "<!DOCTYPE html>\n" + html.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>What a browser without the token gets (401).</summary>
    public static XElement Unauthorized() => E("html", A("lang", "en"),
        E("head", E("meta", A("charset", "utf-8")), E("title", "nob local console: token needed")),
        E("body",
            E("h1", "The console needs its token"),
            E("p", "Run ", E("code", "./nob status"), " on this machine and open the console URL it prints (it carries the token)."),
            E("p", "The token is as secret as the local endpoint's credentials; the console keeps it in a cookie for this browser.")));

    public static XElement Table(IEnumerable<string> headings, IEnumerable<XElement> rows, string? id = null) =>
        E("table", id is null ? null : A("id", id),
            E("thead", E("tr", headings.Select(h => E("th", h)))),
            E("tbody", rows));

    public static XElement Row(params object?[] cells) => E("tr", cells.Select(c => c as XElement is { Name.LocalName: "td" } td ? td : E("td", c)));

    public static string Time(DateTimeOffset? time) => time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "";

    public static XElement Status(string status, string? id = null) =>
        E("span", id is null ? null : A("id", id), A("class", $"status {status.ToLowerInvariant()}"), status);

    public static string ExecutionHref(string executionArn) => $"{ConsoleAccess.Prefix}/execution?arn={Uri.EscapeDataString(executionArn)}";

    public static XElement Hidden(string name, string value) => E("input", A("type", "hidden"), A("name", name), A("value", value));
}
