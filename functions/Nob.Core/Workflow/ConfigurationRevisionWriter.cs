using Nob.Core.Configuration;

namespace Nob.Core.Workflow;

/// <summary>What <see cref="ConfigurationRevisionWriter"/> did.</summary>
/// <param name="Target">The revision the broker now has pending (or already runs).</param>
/// <param name="Revision">What nob's change did to the connectors (from the first attempt that changed anything).</param>
/// <param name="Written">Whether nob wrote a new revision.</param>
/// <param name="Attempts">How many times it built its revision (more than 1: another revision landed meanwhile and nob merged onto it).</param>
public sealed record WrittenRevision(ConfigurationRef Target, ConfigurationRevision Revision, bool Written, int Attempts);

/// <summary>
/// Writes a broker's configuration as a compare-and-swap, so that no one's edit is dropped. Amazon MQ has no conditional
/// write: nob builds its revision on the newest revision of the configuration (not the broker's pending or current one:
/// a saved console edit that no broker runs yet counts), writes it, and right before it makes the broker take it
/// (UpdateBroker) and again right after, reads the newest revision. If any revision but nob's own landed after the one
/// it built on (a console edit, another network's build), nob builds again on that newer revision (the builder keeps
/// everything but nob's connectors) and tries again; after <see cref="MaxAttempts"/> it fails with
/// <see cref="ConfigurationConflictException"/>. Revisions of a configuration are numbered 1, 2, 3, …, so "landed
/// after" is a comparison of numbers.
/// </summary>
public sealed class ConfigurationRevisionWriter(IBrokerService brokers)
{
    public const int MaxAttempts = 3;

    /// <param name="build">Nob's revision from a revision's XML (e.g. <see cref="ConnectorConfigurationWriter.Write"/>).</param>
    public async Task<WrittenRevision> WriteAsync(string brokerName, BrokerDescription broker, Func<string, ConfigurationRevision> build, string description,
        CancellationToken cancellationToken)
    {
        var pendingOrCurrent = broker.PendingConfiguration ?? broker.CurrentConfiguration
            ?? throw new BrokerNotUsableException(brokerName, "it reports no configuration");
        var configurationId = pendingOrCurrent.Id;
        var ours = new HashSet<int>(); // the revisions this write made
        ConfigurationRevision? firstChange = null;
        var latest = await brokers.GetLatestConfigurationRevisionAsync(configurationId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var basedOn = NewestNotOurs(latest, ours);
            var xml = await brokers.GetConfigurationRevisionXmlAsync(configurationId, basedOn, cancellationToken);
            var revision = build(xml);
            var target = new ConfigurationRef(configurationId, basedOn);
            if (revision.Changed)
            {
                var update = await brokers.UpdateConfigurationAsync(configurationId, revision.Xml, description, cancellationToken);
                if (update.Warnings.Count > 0) throw new ConfigurationRejectedException(brokerName, update.Revision, update.Warnings);
                ours.Add(update.Revision);
                target = target with { Revision = update.Revision };
                firstChange ??= revision;
            }

            latest = await brokers.GetLatestConfigurationRevisionAsync(configurationId, cancellationToken);
            if (NewestNotOurs(latest, ours) == basedOn)
            {
                if (target != pendingOrCurrent)
                {
                    await brokers.SetConfigurationRevisionAsync(broker.BrokerId, configurationId, target.Revision, cancellationToken);
                    pendingOrCurrent = target;
                }
                // A revision that landed while the broker took nob's would be lost at the reboot: look once more.
                latest = await brokers.GetLatestConfigurationRevisionAsync(configurationId, cancellationToken);
                if (NewestNotOurs(latest, ours) == basedOn)
                    return new WrittenRevision(target, firstChange ?? revision, ours.Count > 0, attempt);
            }
            if (attempt == MaxAttempts)
                throw new ConfigurationConflictException(brokerName, configurationId, basedOn, NewestNotOurs(latest, ours), MaxAttempts);
        }
    }

    /// <summary>The newest revision up to <paramref name="latest"/> that this write did not make: what anyone else wrote last.</summary>
    static int NewestNotOurs(int latest, HashSet<int> ours)
    {
        var revision = latest;
        while (ours.Contains(revision)) revision--;
        return revision;
    }
}
