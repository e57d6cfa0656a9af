namespace Nob.Core.Configuration;

/// <summary>
/// What Amazon MQ accepts inside <c>&lt;networkConnectors&gt;</c> (its XSD, see docs "permitted-attributes" and
/// "permitted-collections"). Anything else is silently stripped by Amazon MQ, so we refuse it up front instead.
/// </summary>
public static class NetworkConnectorRules
{
    public enum AttributeKind { Boolean, Integer, Text }

    public static readonly IReadOnlyDictionary<string, AttributeKind> Attributes = new Dictionary<string, AttributeKind>(StringComparer.Ordinal)
    {
        ["advisoryAckPercentage"] = AttributeKind.Integer,
        ["advisoryForFailedForward"] = AttributeKind.Boolean,
        ["advisoryPrefetchSize"] = AttributeKind.Integer,
        ["alwaysSyncSend"] = AttributeKind.Boolean,
        ["bridgeFactory"] = AttributeKind.Text,
        ["bridgeTempDestinations"] = AttributeKind.Boolean,
        ["brokerName"] = AttributeKind.Text,
        ["brokerURL"] = AttributeKind.Text,
        ["checkDuplicateMessagesOnDuplex"] = AttributeKind.Boolean,
        ["clientIdToken"] = AttributeKind.Text,
        ["conduitNetworkQueueSubscriptions"] = AttributeKind.Boolean,
        ["conduitSubscriptions"] = AttributeKind.Boolean,
        ["consumerPriorityBase"] = AttributeKind.Integer,
        ["consumerTTL"] = AttributeKind.Integer,
        ["decreaseNetworkConsumerPriority"] = AttributeKind.Boolean,
        ["destinationFilter"] = AttributeKind.Text,
        ["dispatchAsync"] = AttributeKind.Boolean,
        ["duplex"] = AttributeKind.Boolean,
        ["dynamicOnly"] = AttributeKind.Boolean,
        ["gcDestinationViews"] = AttributeKind.Boolean,
        ["gcSweepTime"] = AttributeKind.Integer,
        ["localUri"] = AttributeKind.Text,
        ["messageTTL"] = AttributeKind.Integer,
        ["name"] = AttributeKind.Text,
        ["networkTTL"] = AttributeKind.Integer,
        ["objectName"] = AttributeKind.Text,
        ["prefetchSize"] = AttributeKind.Integer,
        ["staticBridge"] = AttributeKind.Boolean,
        ["suppressDuplicateQueueSubscriptions"] = AttributeKind.Boolean,
        ["suppressDuplicateTopicSubscriptions"] = AttributeKind.Boolean,
        ["syncDurableSubs"] = AttributeKind.Boolean,
        ["uri"] = AttributeKind.Text,
        ["useBrokerNameAsIdSees"] = AttributeKind.Boolean,
        ["useCompression"] = AttributeKind.Boolean,
        ["useVirtualDestSubs"] = AttributeKind.Boolean,
        ["userName"] = AttributeKind.Text,
    };

    /// <summary>Attributes the planner owns; a spec may not override them.</summary>
    public static readonly IReadOnlySet<string> Managed = new HashSet<string>(StringComparer.Ordinal) { "name", "uri", "userName" };

    /// <summary>Destination collections allowed as children of a networkConnector.</summary>
    public static readonly IReadOnlySet<string> ChildCollections = new HashSet<string>(StringComparer.Ordinal)
    {
        "durableDestinations", "dynamicallyIncludedDestinations", "excludedDestinations", "staticallyIncludedDestinations",
    };

    /// <summary>Destinations allowed inside those collections, each with its allowed attributes.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Destinations = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["queue"] = new HashSet<string>(StringComparer.Ordinal) { "physicalName" },
        ["topic"] = new HashSet<string>(StringComparer.Ordinal) { "physicalName" },
    };

    /// <summary>Amazon MQ's per-broker limit on network connectors.</summary>
    public const int MaxConnectorsPerBroker = 20;

    public static bool IsValidValue(AttributeKind kind, string value) => kind switch
    {
        AttributeKind.Boolean => value is "true" or "false",
        AttributeKind.Integer => int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _),
        _ => true,
    };

    public static string Describe(AttributeKind kind) => kind switch
    {
        AttributeKind.Boolean => "true or false",
        AttributeKind.Integer => "a whole number",
        _ => "text",
    };
}
