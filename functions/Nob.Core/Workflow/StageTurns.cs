namespace Nob.Core.Workflow;

// The build's two wait stages. Each is one loop of the state machine that checks every broker of the stage in one
// invocation per turn, so a turn costs the execution's history a fixed handful of events whatever the number of
// brokers (Step Functions fails an execution past 25,000 events; a Map of per-broker loops passes that for a
// 41-broker mesh whose brokers are late). Each broker keeps its own schedule, bound and errors (BrokerStateCheck);
// the loop sleeps until the earliest broker wants its next check.

internal static class StageTurns
{
    /// <summary>A broker's last answer as the input of its next check.</summary>
    public static BrokerWait Next(BrokerWaitStatus s) =>
        new(s.BrokerName, s.BrokerId, s.Phase, s.Poll, s.Polling, s.Since, s.ExpectedConfiguration, s.Recreation, s.WaitStarted);

    /// <summary>Until the earliest broker still waiting wants its next check (0 when none waits).</summary>
    public static int NextWait(IReadOnlyCollection<BrokerWaitStatus> waiting) => waiting.Count == 0 ? 0 : waiting.Min(s => s.NextWaitSeconds);
}
