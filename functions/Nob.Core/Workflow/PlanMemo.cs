using System.Runtime.CompilerServices;
using System.Text;
using Nob.Core.Planning;
using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// The plan of a spec with its brokers' endpoints, computed once per warm process. The state carries only the endpoints
/// (<see cref="NetworkPlanResult"/>): the connectors and pairs would repeat per broker and per pair in every state that
/// holds the plan, and every Map iteration's input. So each step plans from the spec and the endpoints, and this keeps
/// the result for the spec instance (one per spec text in a process, through <see cref="SpecMemo"/>) and
/// the endpoints, so a Map's iterations in one Lambda container, or every step of local mode's one process, plan once.
/// The planner is pure and a plan is immutable, so a kept one is the one the step would compute; a plan that fails is
/// not kept, and fails again by name.
/// </summary>
public static class PlanMemo
{
    /// <summary>How many endpoint sets are kept per spec: a build has one, a rebuilt broker's new endpoints add another.</summary>
    const int PlansPerSpec = 4;

    // Keyed by the spec instance, weakly: when the spec is no longer read, its plans go with it.
    static readonly ConditionalWeakTable<NetworkSpec, KeptPlans> BySpec = new();

    public static NetworkPlan Plan(NetworkSpec spec, IReadOnlyList<BrokerWork> brokers)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(brokers);
        var key = EndpointsKey(brokers);
        var kept = BySpec.GetValue(spec, _ => new KeptPlans());
        lock (kept)
        {
            foreach (var (endpoints, plan) in kept.Plans)
            {
                if (endpoints == key) return plan;
            }
        }
        var computed = NetworkPlanner.Plan(spec, brokers.ToDictionary(b => b.BrokerName, b => b.OpenWireEndpoints, StringComparer.Ordinal));
        lock (kept)
        {
            if (kept.Plans.Count == PlansPerSpec) kept.Plans.RemoveAt(0);
            kept.Plans.Add((key, computed));
            kept.TimesPlanned++;
        }
        return computed;
    }

    /// <summary>How many times a plan was computed for this spec instance in this process (once per endpoints when kept).</summary>
    public static int TimesPlanned(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!BySpec.TryGetValue(spec, out var kept)) return 0;
        lock (kept) return kept.TimesPlanned;
    }

    sealed class KeptPlans
    {
        public List<(string Endpoints, NetworkPlan Plan)> Plans { get; } = [];
        public int TimesPlanned { get; set; }
    }

    /// <summary>The brokers' names and OpenWire endpoints, each length-prefixed so no two different lists read the same.</summary>
    static string EndpointsKey(IReadOnlyList<BrokerWork> brokers)
    {
        var key = new StringBuilder();
        // A member missing from the state reads as null: keyed apart, so the planner still fails on it by name.
        foreach (var broker in brokers)
        {
            Append(key, broker.BrokerName as string ?? "\0");
            if (broker.OpenWireEndpoints is not { } endpoints)
            {
                key.Append("-;");
                continue;
            }
            key.Append(endpoints.Count).Append(';');
            foreach (var endpoint in endpoints) Append(key, endpoint as string ?? "\0");
        }
        return key.ToString();
    }

    static void Append(StringBuilder key, string text) => key.Append(text.Length).Append(':').Append(text);
}
