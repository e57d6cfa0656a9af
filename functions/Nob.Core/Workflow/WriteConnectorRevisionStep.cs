using Nob.Core.Configuration;
using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// Write connector revision: on the newest revision of the broker's configuration write the next one only when it
/// changes, refuse any Amazon MQ warning, make it pending, as a compare-and-swap (<see cref="ConfigurationRevisionWriter"/>:
/// a revision someone else writes meanwhile is merged, not dropped); ensure the common user exists.
/// </summary>
public sealed class WriteConnectorRevisionStep(IBrokerService brokers, IParameterStore parameters)
{
    public async Task<RevisionResult> RunAsync(NetworkSpec spec, NetworkPlanResult plan, string brokerName, CancellationToken cancellationToken)
    {
        var work = plan.Brokers.FirstOrDefault(b => b.BrokerName == brokerName) ?? throw new BrokerMissingException(brokerName);
        var connectors = plan.Plan(spec).Broker(brokerName).Connectors;
        var broker = await brokers.DescribeBrokerAsync(work.BrokerId, cancellationToken);
        var written = await new ConfigurationRevisionWriter(brokers).WriteAsync(work.BrokerName, broker,
            xml => ConnectorConfigurationWriter.Write(work.BrokerName, xml, spec.NetworkName, connectors),
            $"nob {spec.NetworkName}: {connectors.Count} network connector(s)", cancellationToken);
        var revision = written.Revision;
        var target = written.Target;

        // The common user has the parameter's current password: created when missing, updated when the broker's
        // nob:password-version tag names another version (rotation), then tagged. Either change waits for the reboot;
        // a tag written before a reboot that then failed is caught by the user's pending change on the next run.
        var (userCreated, passwordUpdated) = (false, false);
        var password = await parameters.GetSecureStringWithVersionAsync(spec.User.PasswordParameter, cancellationToken);
        var users = await brokers.ListUsernamesAsync(work.BrokerId, cancellationToken);
        if (!users.Contains(spec.User.Username, StringComparer.Ordinal))
        {
            await brokers.CreateUserAsync(work.BrokerId, spec.User.Username, password.Value, cancellationToken);
            userCreated = true;
        }
        else if (!BrokerTags.HasPasswordVersion(broker, password.Version))
        {
            await brokers.UpdateUserPasswordAsync(work.BrokerId, spec.User.Username, password.Value, cancellationToken);
            passwordUpdated = true;
        }
        if (!BrokerTags.HasPasswordVersion(broker, password.Version))
        {
            await brokers.TagBrokerAsync(broker.BrokerArn,
                new Dictionary<string, string> { [BrokerTags.PasswordVersion] = BrokerTags.Version(password.Version) }, cancellationToken);
        }

        var rebootRequired = target != broker.CurrentConfiguration || userCreated || passwordUpdated || broker.UsersWithPendingChanges.Count > 0;
        return new RevisionResult(work.BrokerName, work.BrokerId, target.Id, target.Revision, written.Written, rebootRequired,
            revision.AddedConnectors, revision.RemovedConnectors, revision.UpdatedConnectors, userCreated, written.Attempts, passwordUpdated);
    }
}
