using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using Nob.Core.Configuration;

namespace Nob.Core.Specs;

/// <summary>
/// What a spec's <c>connectorOptions</c> value may be, attribute by attribute: stricter than the type Amazon MQ's
/// schema gives it (<see cref="NetworkConnectorRules"/>), so that a value ActiveMQ refuses or misreads at startup, or
/// that cannot be written as XML, is refused by validation, before any broker exists, instead of failing the build
/// after brokers are billed. Ranges follow ActiveMQ's <c>NetworkBridgeConfiguration</c>; no attribute Amazon MQ allows
/// is an enumeration in ActiveMQ (the booleans aside). <c>schema/network-spec.schema.json</c> states the same rules
/// (SchemaAgreementTests compares them).
/// </summary>
public static class ConnectorOptionRules
{
    /// <param name="Minimum">Integers: the smallest value allowed.</param>
    /// <param name="Maximum">Integers: the largest value allowed.</param>
    /// <param name="Pattern">Text: the characters and shape allowed (the schema's <c>pattern</c>, ECMAScript-compatible).</param>
    /// <param name="MaxLength">Text: the longest value allowed.</param>
    /// <param name="Allowed">What the error message says is allowed.</param>
    public sealed record Rule(NetworkConnectorRules.AttributeKind Kind, string Allowed, int Minimum = 0, int Maximum = 0, string? Pattern = null, int MaxLength = 0)
    {
        public static Rule Boolean { get; } = new(NetworkConnectorRules.AttributeKind.Boolean, "true or false");

        public static Rule Integer(int minimum, int maximum, string? meaning = null) =>
            new(NetworkConnectorRules.AttributeKind.Integer, $"a whole number from {minimum} to {maximum}{(meaning is null ? "" : $" ({meaning})")}", minimum, maximum);

        public static Rule Text(string pattern, int maxLength, string allowed) =>
            new(NetworkConnectorRules.AttributeKind.Text, allowed, Pattern: pattern, MaxLength: maxLength);
    }

    /// <summary>
    /// A message or subscription never needs more hops than a network has brokers; 0 would forward nothing, and
    /// ActiveMQ reads -1 as "no limit", which lets messages wander a cyclic network bounded only by duplicate checks.
    /// </summary>
    public const int MaxTtl = SpecReader.MaxBrokersPerNetwork;

    /// <summary>ActiveMQ's largest prefetch (<c>ActiveMQPrefetchPolicy.MAX_PREFETCH_SIZE</c>, Short.MAX_VALUE).</summary>
    public const int MaxPrefetch = short.MaxValue;

    /// <summary>
    /// ActiveMQ keeps a consumer priority in a byte and, with <c>decreaseNetworkConsumerPriority</c>, subtracts the path
    /// length plus one (at most a network's broker count) from this base: any lower and the priority wraps to a high one.
    /// </summary>
    public const int MinConsumerPriorityBase = sbyte.MinValue + SpecReader.MaxBrokersPerNetwork + 1;

    /// <summary>TLS transports only: Amazon MQ brokers listen on TLS, and a plaintext URI would send the bridge's traffic in clear.</summary>
    public const string TlsUriPattern = @"^(ssl|nio\+ssl)://[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(\?[A-Za-z0-9._~%=&-]*)?$";

    public static readonly IReadOnlyDictionary<string, Rule> Options = new Dictionary<string, Rule>(StringComparer.Ordinal)
    {
        ["advisoryAckPercentage"] = Rule.Integer(1, 100, "percent of the advisory prefetch"),
        ["advisoryForFailedForward"] = Rule.Boolean,
        ["advisoryPrefetchSize"] = Rule.Integer(0, MaxPrefetch, "0 uses prefetchSize"),
        ["alwaysSyncSend"] = Rule.Boolean,
        ["bridgeFactory"] = Rule.Text(@"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$", 200, "a Java class name such as org.apache.activemq.network.DefaultBridgeFactory"),
        ["bridgeTempDestinations"] = Rule.Boolean,
        // ActiveMQ replaces any other character of a broker name with '_'.
        ["brokerName"] = Rule.Text(@"^[A-Za-z0-9._:-]+$", 100, "1-100 letters, digits or . _ : -"),
        ["brokerURL"] = Rule.Text(TlsUriPattern, 1000, "an ssl:// or nio+ssl:// URI such as ssl://host.example:61617 (plaintext transports such as tcp:// are refused)"),
        ["checkDuplicateMessagesOnDuplex"] = Rule.Boolean,
        ["clientIdToken"] = Rule.Text(@"^[A-Za-z0-9._:~-]+$", 10, "1-10 letters, digits or . _ : ~ - (the separator inside the bridge's client IDs)"),
        ["conduitNetworkQueueSubscriptions"] = Rule.Boolean,
        ["conduitSubscriptions"] = Rule.Boolean,
        ["consumerPriorityBase"] = Rule.Integer(MinConsumerPriorityBase, sbyte.MaxValue),
        ["consumerTTL"] = Rule.Integer(1, MaxTtl, "hops"),
        ["decreaseNetworkConsumerPriority"] = Rule.Boolean,
        // Destination names and wildcards, comma-separated (e.g. "Queue.orders.>,Topic.prices.*").
        ["destinationFilter"] = Rule.Text(@"^[A-Za-z0-9._$:*>,/-]+$", 1000, "1-1000 characters of destination names, wildcards (* >) and commas: letters, digits or . _ $ : * > , / -"),
        ["dispatchAsync"] = Rule.Boolean,
        ["duplex"] = Rule.Boolean,
        ["dynamicOnly"] = Rule.Boolean,
        ["gcDestinationViews"] = Rule.Boolean,
        // ActiveMQ schedules the sweep with this period: 0 fails its timer; below a second is a busy loop.
        ["gcSweepTime"] = Rule.Integer(1000, 86_400_000, "milliseconds"),
        ["localUri"] = Rule.Text(TlsUriPattern, 1000, "an ssl:// or nio+ssl:// URI such as ssl://localhost:61617 (plaintext transports such as tcp:// or vm:// are refused; leave it out for ActiveMQ's in-process default)"),
        ["messageTTL"] = Rule.Integer(1, MaxTtl, "hops"),
        ["networkTTL"] = Rule.Integer(1, MaxTtl, "hops"),
        ["objectName"] = Rule.Text(@"^[A-Za-z0-9._-]+:[A-Za-z0-9._,=*?-]+$", 500, "a JMX object name such as org.apache.activemq:type=Broker,brokerName=b1"),
        ["prefetchSize"] = Rule.Integer(1, MaxPrefetch),
        ["staticBridge"] = Rule.Boolean,
        ["suppressDuplicateQueueSubscriptions"] = Rule.Boolean,
        ["suppressDuplicateTopicSubscriptions"] = Rule.Boolean,
        ["syncDurableSubs"] = Rule.Boolean,
        ["useBrokerNameAsIdSees"] = Rule.Boolean,
        ["useCompression"] = Rule.Boolean,
        ["useVirtualDestSubs"] = Rule.Boolean,
    };

    /// <summary>What is wrong with an integer value, or null when it is allowed.</summary>
    public static string? IntegerProblem(Rule rule, int value) =>
        value >= rule.Minimum && value <= rule.Maximum ? null : $"{value.ToString(CultureInfo.InvariantCulture)} is not allowed; use {rule.Allowed}";

    /// <summary>
    /// What is wrong with a text value, or null when it is allowed. Control characters and characters XML cannot carry
    /// are named by code point, never echoed.
    /// </summary>
    public static string? TextProblem(Rule rule, string value)
    {
        if (value.Length == 0) return $"is empty; use {rule.Allowed}";
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsControl(c) || !XmlConvert.IsXmlChar(c))
                return $"contains the control or non-XML character U+{(int)c:X4} at position {i + 1}; use {rule.Allowed}";
        }
        if (value.Length > rule.MaxLength) return $"is {value.Length} characters long; use {rule.Allowed}";
        if (rule.Pattern is { } pattern && !Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant))
            return $"\"{value}\" is not allowed; use {rule.Allowed}";
        return null;
    }
}
