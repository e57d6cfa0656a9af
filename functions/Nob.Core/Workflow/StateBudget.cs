using System.Text;
using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// The largest state a build of a spec can carry, estimated before anything is created: Step Functions fails a state
/// past 256 KiB with States.DataLimitExceeded, which no Catch handles, and a build that failed at Verify has already
/// created (and billed) its brokers. The estimate grows with what the state repeats per broker and per pair: every
/// verified pair's line (in Verify's result and again in the summary, with the most latency digits a timeout allows),
/// every connector name, each broker's plan and summary lines, and the spec, which a check-drift repair gets back
/// twice from its nested build (the child's input and output).
/// </summary>
public static class StateBudget
{
    /// <summary>The most a build's state may be estimated at: Step Functions' 256 KiB less a margin for what the estimate leaves out.</summary>
    public const int BudgetBytes = 200 * 1024;

    /// <summary>A broker's share of the plan, the stages and the summary, besides its name (endpoints, ids, states, URLs).</summary>
    public const int PerBrokerBytes = 640;

    /// <summary>Where a broker's name is repeated in the state, besides the pair lines and connector names.</summary>
    public const int NameRepeatsPerBroker = 8;

    public static int EstimateLargestStateBytes(NetworkSpec spec, int specBytes)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var names = spec.Brokers.Select(b => b.Name).ToList();
        var links = TopologyLinks.For(spec);
        var worstMilliseconds = (long)spec.Verification.TimeoutSeconds * 1000;
        long pairs = spec.Verification.Enabled
            ? NetworkPlanner.ConnectedPairs(names, links).Sum(p => (long)JsonStringBytes(ResultLines.Pair(p.Sender, p.Receiver, p.Path, worstMilliseconds)))
            : 0;
        long connectors = links.Sum(l => (long)JsonStringBytes(ConnectorNaming.Name(spec.NetworkName, l.From, l.To)));
        long brokers = names.Sum(n => PerBrokerBytes + (long)NameRepeatsPerBroker * JsonStringBytes(n));
        return (int)Math.Min(int.MaxValue, 2 * pairs + 2 * connectors + brokers + 2L * specBytes);
    }

    /// <summary>A JSON string's bytes with its quotes and the comma that separates it (names are ASCII letters, digits, - and _).</summary>
    static int JsonStringBytes(string text) => Encoding.UTF8.GetByteCount(text) + 3;

    public static SpecError? Check(NetworkSpec spec, int specBytes)
    {
        var estimate = EstimateLargestStateBytes(spec, specBytes);
        return estimate <= BudgetBytes ? null : new SpecError("brokers",
            $"a build of this network would carry about {Kib(estimate)} KiB of Step Functions state (every verified pair's line, every connector name, " +
            $"each broker's details); the budget is {Kib(BudgetBytes)} KiB, within Step Functions' 256 KiB per state; use shorter broker names or fewer brokers");
    }

    static string Kib(int bytes) => Math.Ceiling(bytes / 1024.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
