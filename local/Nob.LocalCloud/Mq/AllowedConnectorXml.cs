using System.Globalization;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// What Amazon MQ keeps inside <c>&lt;networkConnectors&gt;</c> of an ActiveMQ configuration revision; anything else
/// it removes, with a warning. Written for the local endpoint from Amazon MQ's developer guide, on purpose apart from
/// nob's own rules (<c>Nob.Core.Configuration.NetworkConnectorRules</c>): a test compares the two tables, so a rule
/// copied wrong into either one fails it instead of passing through both.
/// </summary>
/// <remarks>
/// Sources (Amazon MQ Developer Guide, ActiveMQ engine): "Elements and their attributes permitted in Amazon MQ
/// configurations" (permitted-attributes: the <c>networkConnector</c>, <c>queue</c> and <c>topic</c> rows);
/// "Elements, child collection elements, and their child elements permitted" (permitted-collections: the collections
/// under <c>networkConnector</c> and the destinations in them); "Amazon MQ child element attributes"
/// (child-element-details: <c>name</c>, <c>uri</c>, <c>userName</c>, <c>duplex</c>, <c>conduitSubscriptions</c>, and
/// that the connector carries no password). Value types are those of ActiveMQ's XML schema for the attribute
/// (xs:boolean, a whole number, or text).
/// </remarks>
internal static class AllowedConnectorXml
{
    /// <summary>The kind of value an attribute takes in ActiveMQ's schema; a value of another kind is removed.</summary>
    internal enum ValueKind
    {
        Boolean,
        WholeNumber,
        Text,
    }

    /// <summary>The attributes of <c>&lt;networkConnector&gt;</c> Amazon MQ permits. <c>password</c> is not one of them.</summary>
    public static readonly IReadOnlyDictionary<string, ValueKind> ConnectorAttributes = new Dictionary<string, ValueKind>(StringComparer.Ordinal)
    {
        ["advisoryAckPercentage"] = ValueKind.WholeNumber,
        ["advisoryForFailedForward"] = ValueKind.Boolean,
        ["advisoryPrefetchSize"] = ValueKind.WholeNumber,
        ["alwaysSyncSend"] = ValueKind.Boolean,
        ["bridgeFactory"] = ValueKind.Text,
        ["bridgeTempDestinations"] = ValueKind.Boolean,
        ["brokerName"] = ValueKind.Text,
        ["brokerURL"] = ValueKind.Text,
        ["checkDuplicateMessagesOnDuplex"] = ValueKind.Boolean,
        ["clientIdToken"] = ValueKind.Text,
        ["conduitNetworkQueueSubscriptions"] = ValueKind.Boolean,
        ["conduitSubscriptions"] = ValueKind.Boolean,
        ["consumerPriorityBase"] = ValueKind.WholeNumber,
        ["consumerTTL"] = ValueKind.WholeNumber,
        ["decreaseNetworkConsumerPriority"] = ValueKind.Boolean,
        ["destinationFilter"] = ValueKind.Text,
        ["dispatchAsync"] = ValueKind.Boolean,
        ["duplex"] = ValueKind.Boolean,
        ["dynamicOnly"] = ValueKind.Boolean,
        ["gcDestinationViews"] = ValueKind.Boolean,
        ["gcSweepTime"] = ValueKind.WholeNumber,
        ["localUri"] = ValueKind.Text,
        ["messageTTL"] = ValueKind.WholeNumber,
        ["name"] = ValueKind.Text,
        ["networkTTL"] = ValueKind.WholeNumber,
        ["objectName"] = ValueKind.Text,
        ["prefetchSize"] = ValueKind.WholeNumber,
        ["staticBridge"] = ValueKind.Boolean,
        ["suppressDuplicateQueueSubscriptions"] = ValueKind.Boolean,
        ["suppressDuplicateTopicSubscriptions"] = ValueKind.Boolean,
        ["syncDurableSubs"] = ValueKind.Boolean,
        ["uri"] = ValueKind.Text,
        ["useBrokerNameAsIdSees"] = ValueKind.Boolean,
        ["useCompression"] = ValueKind.Boolean,
        ["useVirtualDestSubs"] = ValueKind.Boolean,
        ["userName"] = ValueKind.Text,
    };

    /// <summary>The child collections a <c>&lt;networkConnector&gt;</c> may hold.</summary>
    public static readonly IReadOnlySet<string> ConnectorCollections = new HashSet<string>(StringComparer.Ordinal)
    {
        "durableDestinations",
        "dynamicallyIncludedDestinations",
        "excludedDestinations",
        "staticallyIncludedDestinations",
    };

    /// <summary>The destinations those collections may list, each with the attributes it may carry.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> CollectionDestinations = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["queue"] = new HashSet<string>(StringComparer.Ordinal) { "physicalName" },
        ["topic"] = new HashSet<string>(StringComparer.Ordinal) { "physicalName" },
    };

    /// <summary>Whether a value is of the kind its attribute takes (booleans as ActiveMQ writes them, whole numbers in 32 bits).</summary>
    public static bool IsOfKind(ValueKind kind, string value) => kind switch
    {
        ValueKind.Boolean => value is "true" or "false",
        ValueKind.WholeNumber => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        _ => true,
    };
}
