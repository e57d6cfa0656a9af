namespace Nob.Core.Workflow;

/// <summary>How many brokers the reboot stage reboots at once (PlanNetwork chooses, the plan carries it).</summary>
public static class RebootConcurrency
{
    /// <summary>Brokers rebooted at once when any was adopted: a live network keeps most of its brokers up.</summary>
    public const int LiveNetwork = 10;

    /// <summary>Brokers rebooted at once when this build created all of them: every broker of the largest network a spec
    /// allows, in one wave; the burst of Amazon MQ calls relies on the clients' throttling retries, as EnsureBrokers' creations do.</summary>
    public const int NewNetwork = Specs.SpecReader.MaxBrokersPerNetwork;
}
