using System.Security.Cryptography;
using System.Text;
using Nob.Core.Specs;

namespace Nob.Core.Workflow;

/// <summary>
/// Ensure broker: adopt the broker that has the name, or create it idempotently. A broker of nob's that is
/// CREATION_FAILED is deleted so the build's loop can create it again (<see cref="BrokerRecreation"/>); a CreateBroker
/// that answers "name taken" (a retried call whose first attempt created it) adopts the broker if it is nob's.
/// </summary>
public sealed class EnsureBrokerStep(IBrokerService brokers, IParameterStore parameters)
{
    /// <summary>Same network and broker, same id: a retried step or a second execution never creates a second broker.
    /// A recreation gets its own id, from the broker it replaces.</summary>
    public static string CreatorRequestId(string networkName, string brokerName, string? replacesBrokerId = null) =>
        "nob-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            replacesBrokerId is null ? $"{networkName}/{brokerName}" : $"{networkName}/{brokerName}/replaces/{replacesBrokerId}")))[..32];

    /// <param name="recreation">Where the build's loop stands in replacing this broker (none on the first turn).</param>
    public async Task<EnsuredBroker> RunAsync(NetworkSpec spec, string brokerName, CancellationToken cancellationToken, BrokerRecreation? recreation = null)
    {
        recreation ??= BrokerRecreation.None;
        var wanted = spec.Broker(brokerName);
        // Read first, adopted or not: a missing password parameter fails every broker's step before any broker is created.
        var password = await parameters.GetSecureStringWithVersionAsync(spec.User.PasswordParameter, cancellationToken);
        var existing = await brokers.FindBrokerByNameAsync(brokerName, cancellationToken);
        if (existing is not null)
        {
            // Our own deletion still under way (a retried step): go on waiting for it.
            if (existing.BrokerState == BrokerStates.DeletionInProgress && existing.BrokerId == recreation.ReplacesBrokerId)
                return new EnsuredBroker(brokerName, existing.BrokerId, Created: false, WaitPhases.DeletionForRecreate, recreation);
            BrokerAdoption.Check(wanted, existing);
            if (existing.BrokerState == BrokerStates.CreationFailed)
                return await BrokerRecreation.ReplaceAsync(brokers, spec.NetworkName, brokerName, existing.BrokerId, recreation, cancellationToken);
            return new EnsuredBroker(brokerName, existing.BrokerId, Created: false, WaitPhases.Creation, recreation);
        }

        var creation = new BrokerCreation(
            brokerName,
            CreatorRequestId(spec.NetworkName, brokerName, recreation.ReplacesBrokerId),
            wanted.EngineVersion,
            wanted.HostInstanceType,
            wanted.DeploymentMode,
            wanted.SubnetIds,
            wanted.SecurityGroups,
            wanted.PubliclyAccessible,
            spec.User.Username,
            new Dictionary<string, string> { [BrokerTags.Network] = spec.NetworkName, [BrokerTags.PasswordVersion] = BrokerTags.Version(password.Version) });
        try
        {
            var id = await brokers.CreateBrokerAsync(creation, password.Value, cancellationToken);
            return new EnsuredBroker(brokerName, id, Created: true, WaitPhases.Creation, recreation);
        }
        catch (BrokerNameTakenException taken)
        {
            return await AdoptAfterConflictAsync(spec, wanted, recreation, taken, cancellationToken);
        }
    }

    /// <summary>The name was taken between the lookup and the creation: adopt the broker if nob created it for this network.</summary>
    async Task<EnsuredBroker> AdoptAfterConflictAsync(NetworkSpec spec, BrokerSpec wanted, BrokerRecreation recreation, BrokerNameTakenException taken,
        CancellationToken cancellationToken)
    {
        var found = await brokers.FindBrokerByNameAsync(wanted.Name, cancellationToken)
            ?? throw new BrokerNameConflictException(wanted.Name, $"{taken.Message}, but no broker of that name is listed now");
        BrokerDescription broker;
        try
        {
            broker = await brokers.DescribeBrokerAsync(found.BrokerId, cancellationToken);
        }
        catch (BrokerMissingException)
        {
            throw new BrokerNameConflictException(wanted.Name, $"{taken.Message}, but broker {found.BrokerId} is gone now");
        }
        if (!BrokerTags.CreatedFor(broker, spec.NetworkName))
            throw new BrokerNameConflictException(wanted.Name, $"broker {found.BrokerId} has it and was not created by nob for network \"{spec.NetworkName}\"");
        BrokerAdoption.Check(wanted, found);
        if (found.BrokerState == BrokerStates.CreationFailed)
            return await BrokerRecreation.ReplaceAsync(brokers, spec.NetworkName, wanted.Name, found.BrokerId, recreation, cancellationToken);
        // Tagged for this network and still being created: the lost answer was ours.
        return new EnsuredBroker(wanted.Name, found.BrokerId, Created: found.BrokerState == BrokerStates.CreationInProgress, WaitPhases.Creation, recreation);
    }
}
