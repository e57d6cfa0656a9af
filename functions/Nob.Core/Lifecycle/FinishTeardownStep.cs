namespace Nob.Core.Lifecycle;

/// <summary>Finish a teardown: forget the network.</summary>
public sealed class FinishTeardownStep(INetworkStore store)
{
    public Task<bool> RunAsync(string networkName, CancellationToken cancellationToken) => store.DeleteAsync(networkName, cancellationToken);
}
