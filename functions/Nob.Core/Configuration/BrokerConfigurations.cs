using Nob.Core.Planning;

namespace Nob.Core.Configuration;

public static class BrokerConfigurations
{
    /// <summary>
    /// The next revision of every broker in the plan, starting from its current configuration XML, or from
    /// Amazon MQ's default revision when <paramref name="currentXml"/> has none for it.
    /// </summary>
    public static IReadOnlyDictionary<string, ConfigurationRevision> Next(NetworkPlan plan, Func<string, string?> currentXml) =>
        plan.Brokers.ToDictionary(
            b => b.Name,
            b => ConnectorConfigurationWriter.Write(b.Name, currentXml(b.Name) ?? AmazonMqDefaults.ConfigurationXml, plan.NetworkName, b.Connectors),
            StringComparer.Ordinal);
}
