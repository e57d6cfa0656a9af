namespace Nob.Aws.Mq.Model;

// brokerState values: Nob.Core.Workflow.BrokerStates is their one definition (the client's BrokerState members are strings).

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
