namespace Nob.Core.Workflow;

/// <summary>
/// Amazon MQ's <c>brokerState</c> values, the one definition the workflow, the Amazon MQ client's model and the local
/// endpoint share (kept as strings: newer models add values, e.g. REPLICA).
/// </summary>
public static class BrokerStates
{
    public const string CreationInProgress = "CREATION_IN_PROGRESS";
    public const string CreationFailed = "CREATION_FAILED";
    public const string DeletionInProgress = "DELETION_IN_PROGRESS";
    public const string Running = "RUNNING";
    public const string RebootInProgress = "REBOOT_IN_PROGRESS";
    public const string CriticalActionRequired = "CRITICAL_ACTION_REQUIRED";
    public const string Replica = "REPLICA";
}
