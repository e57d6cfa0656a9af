namespace Nob.Aws.Mq.Model;

/// <summary>Well-known <c>brokerState</c> values (kept as strings: newer models add values, e.g. REPLICA).</summary>
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

/// <summary><c>deploymentMode</c> values.</summary>
public static class DeploymentModes
{
    public const string SingleInstance = "SINGLE_INSTANCE";
    public const string ActiveStandbyMultiAz = "ACTIVE_STANDBY_MULTI_AZ";
    public const string ClusterMultiAz = "CLUSTER_MULTI_AZ";
}

/// <summary><c>engineType</c> values.</summary>
public static class EngineTypes
{
    public const string ActiveMq = "ACTIVEMQ";
    public const string RabbitMq = "RABBITMQ";
}

/// <summary><c>warnings[].reason</c> values of UpdateConfiguration.</summary>
public static class SanitizationWarningReasons
{
    public const string DisallowedElementRemoved = "DISALLOWED_ELEMENT_REMOVED";
    public const string DisallowedAttributeRemoved = "DISALLOWED_ATTRIBUTE_REMOVED";
    public const string InvalidAttributeValueRemoved = "INVALID_ATTRIBUTE_VALUE_REMOVED";
}
