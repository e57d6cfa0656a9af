namespace Nob.Core.Workflow;

/// <summary>
/// How often a build has replaced one broker that nob created and that ended in CREATION_FAILED: EnsureBroker deletes it,
/// the build's loop waits until it is gone (<see cref="WaitPhases.DeletionForRecreate"/>), then EnsureBroker creates it
/// again, with a creatorRequestId of its own (<see cref="ReplacesBrokerId"/>: a retried CreateBroker of the recreation
/// returns the same new broker, never the deleted one). At most <see cref="MaxRecreations"/> times per broker and run;
/// the next CREATION_FAILED fails the build with <see cref="BrokerCreationFailedException"/>.
/// </summary>
/// <param name="Count">Recreations started so far in this run.</param>
/// <param name="ReplacesBrokerId">The broker the next creation replaces (null: a first creation).</param>
public sealed record BrokerRecreation(int Count, string? ReplacesBrokerId = null)
{
    public const int MaxRecreations = 2;

    public static BrokerRecreation None { get; } = new(0);

    /// <summary>
    /// A broker found CREATION_FAILED: nob's own (tagged for this network) is deleted and the loop waits for its deletion;
    /// one nob did not create fails with <see cref="AdoptedBrokerCreationFailedException"/>; past the bound,
    /// <see cref="BrokerCreationFailedException"/>.
    /// </summary>
    public static async Task<EnsuredBroker> ReplaceAsync(IBrokerService brokers, string networkName, string brokerName, string brokerId,
        BrokerRecreation recreation, CancellationToken cancellationToken)
    {
        var broker = await brokers.DescribeBrokerAsync(brokerId, cancellationToken);
        if (!BrokerTags.CreatedFor(broker, networkName)) throw new AdoptedBrokerCreationFailedException(brokerName, brokerId);
        if (recreation.Count >= MaxRecreations) throw new BrokerCreationFailedException(brokerName, brokerId, recreation.Count);
        await brokers.DeleteBrokerAsync(brokerId, cancellationToken);
        return new EnsuredBroker(brokerName, brokerId, Created: false, WaitPhases.DeletionForRecreate, new BrokerRecreation(recreation.Count + 1, brokerId));
    }
}
