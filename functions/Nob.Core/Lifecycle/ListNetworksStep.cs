namespace Nob.Core.Lifecycle;

/// <summary>Which stored networks a check covers: the named one (which must be stored) or all of them.</summary>
public sealed class ListNetworksStep(INetworkStore store)
{
    public async Task<IReadOnlyList<string>> RunAsync(string? networkName, CancellationToken cancellationToken)
    {
        if (networkName is null) return await store.ListNetworkNamesAsync(cancellationToken);
        _ = await store.GetAsync(networkName, cancellationToken) ?? throw new NetworkNotFoundException(networkName);
        return [networkName];
    }
}
