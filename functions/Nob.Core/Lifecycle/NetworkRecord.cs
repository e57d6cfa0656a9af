using Nob.Core.Workflow;

namespace Nob.Core.Lifecycle;

// The desired state a successful build stores (SSM parameter /nob/networks/<networkName>) so that drift checks,
// teardown and the API can work from the network's name alone. Nothing here may hold a secret.

/// <summary>What a successful build of one network stores: the spec it ran with, its brokers and its planned connectors.</summary>
/// <param name="SpecJson">The spec exactly as the build ran it (raw JSON), so a repair rebuilds the same network.</param>
/// <param name="Connectors">The plan's connectors, one line each ("A &lt;==&gt; B"), for people and the API.</param>
/// <param name="ExecutionName">The build-network execution that stored this record.</param>
/// <param name="RetiredBrokers">Brokers nob created for this network that a later spec no longer names: the build leaves
/// them running (it never deletes what a spec stops naming), and teardown still deletes them.</param>
public sealed record NetworkRecord(
    int SchemaVersion,
    string NetworkName,
    string SpecJson,
    IReadOnlyList<StoredBroker> Brokers,
    IReadOnlyList<string> Connectors,
    DateTimeOffset StoredAt,
    string? ExecutionName,
    IReadOnlyList<StoredBroker>? RetiredBrokers = null)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Where records live in Parameter Store: one parameter per network under this path.</summary>
    public const string ParameterPath = "/nob/networks";

    public static string ParameterName(string networkName) => $"{ParameterPath}/{networkName}";
}

/// <param name="Created">True when nob created the broker (it carries the <see cref="BrokerTags.Network"/> tag); false when adopted.</param>
public sealed record StoredBroker(string BrokerName, string BrokerId, bool Created);

/// <summary>The stored records of networks (SSM Parameter Store on AWS).</summary>
public interface INetworkStore
{
    /// <summary>The record of this network, or null when none is stored.</summary>
    Task<NetworkRecord?> GetAsync(string networkName, CancellationToken cancellationToken);

    /// <summary>Creates or overwrites the network's record.</summary>
    Task PutAsync(NetworkRecord record, CancellationToken cancellationToken);

    /// <summary>Deletes the record; false when there was none.</summary>
    Task<bool> DeleteAsync(string networkName, CancellationToken cancellationToken);

    /// <summary>The names of every stored network, sorted.</summary>
    Task<IReadOnlyList<string>> ListNetworkNamesAsync(CancellationToken cancellationToken);
}
