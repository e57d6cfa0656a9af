using Nob.Core.Planning;

namespace Nob.Core.Workflow;

/// <summary>
/// The one-line texts the workflow's results carry: Summarize's and the stored record's connector lines, Verify's pair
/// lines. <see cref="StateBudget"/> sizes the state by them, so they are written in one place.
/// </summary>
public static class ResultLines
{
    /// <summary>The plan's connectors one line each ("A &lt;==&gt; B").</summary>
    public static IReadOnlyList<string> Connectors(NetworkPlan plan) =>
        [.. plan.Connectors.Select(c => $"{c.Owner} {(c.Duplex ? "<==>" : "===>")} {c.Target}")];

    /// <summary>A verified pair's line ("A -> B: 12 ms via H").</summary>
    public static string Pair(string sender, string receiver, IReadOnlyList<string> path, double milliseconds) =>
        $"{sender} -> {receiver}: {milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} ms{(path.Count > 2 ? $" via {string.Join(", ", path.Skip(1).SkipLast(1))}" : "")}";
}
