namespace Nob.Core.Workflow;

// One run per network at a time: build-network and teardown-network (and so a drift repair, which runs build-network)
// take the network's lock first and give it back on every way out. The lock is a series of generations
// (/nob/locks/<network>/<generation>, the owner's execution ARN as value), each created only if absent: whoever creates
// the next generation holds the lock while it is the highest. A holder that no longer runs (killed, aborted, timed
// out, or that ended without releasing) is taken over, so a lost run never blocks the network for good.

/// <summary>Another execution holds the network's lock and is still running: this run changed nothing.</summary>
public sealed class NetworkBusyException(string networkName, string holderExecutionArn)
    : Exception($"Network \"{networkName}\" is busy: execution {holderExecutionArn} is running on it (a build, repair or teardown); wait for it to end and run again")
{
    public string NetworkName { get; } = networkName;
    public string HolderExecutionArn { get; } = holderExecutionArn;
}

/// <summary>One generation of a network's lock: its number and value (the owner's execution ARN, or a release mark).</summary>
public sealed record LockGeneration(long Generation, string Value);

/// <summary>Where the lock's generations live (SSM parameters under /nob/locks on AWS and locally).</summary>
public interface ILockStore
{
    /// <summary>Every generation stored for the network, in any order.</summary>
    Task<IReadOnlyList<LockGeneration>> ListAsync(string networkName, CancellationToken cancellationToken);

    /// <summary>Creates the generation with this value; false when it exists already (someone else created it first).</summary>
    Task<bool> TryCreateAsync(string networkName, long generation, string value, CancellationToken cancellationToken);

    /// <summary>Replaces an existing generation's value.</summary>
    Task OverwriteAsync(string networkName, long generation, string value, CancellationToken cancellationToken);

    /// <summary>Deletes a generation; one that is gone already is fine.</summary>
    Task DeleteAsync(string networkName, long generation, CancellationToken cancellationToken);
}

/// <summary>Step Functions executions, as far as the lock needs them.</summary>
public interface IExecutionStatus
{
    /// <summary>True while the execution runs; false once it ended in any way, or when there is no such execution.</summary>
    Task<bool> IsRunningAsync(string executionArn, CancellationToken cancellationToken);
}

/// <summary>What <see cref="NetworkLock.AcquireAsync"/> did: the generation the owner holds, and the dead holder it took over, if any.</summary>
public sealed record LockAcquired(string NetworkName, string Owner, long Generation, string? TookOverFrom);

public sealed class NetworkLock(ILockStore store, IExecutionStatus executions)
{
    /// <summary>The value of a released generation starts with this (then the ARN of the execution that released it).</summary>
    public const string ReleasedPrefix = "released:";

    /// <summary>How often one acquisition lists again after losing a race before it gives up as busy.</summary>
    public const int MaxAttempts = 5;

    /// <summary>
    /// Takes the network's lock for <paramref name="owner"/> (an execution ARN), or throws <see cref="NetworkBusyException"/>
    /// naming the running holder. Acquiring again as the holder (a retried task) returns the same generation.
    /// </summary>
    public async Task<LockAcquired> AcquireAsync(string networkName, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(networkName);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        if (owner.StartsWith(ReleasedPrefix, StringComparison.Ordinal)) throw new ArgumentException($"an owner cannot start with \"{ReleasedPrefix}\"", nameof(owner));
        string? lastHolder = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var generations = await store.ListAsync(networkName, cancellationToken);
            var top = generations.MaxBy(g => g.Generation);
            string? tookOver = null;
            if (top is not null && !IsReleased(top.Value))
            {
                if (top.Value == owner) return new LockAcquired(networkName, owner, top.Generation, null);
                if (await executions.IsRunningAsync(top.Value, cancellationToken)) throw new NetworkBusyException(networkName, top.Value);
                tookOver = top.Value;
            }
            var next = (top?.Generation ?? 0) + 1;
            if (!await store.TryCreateAsync(networkName, next, owner, cancellationToken))
            {
                lastHolder = tookOver;
                continue; // another run created it first: look again (it is likely running, and then this one is refused)
            }
            // A run that listed long ago may create a generation that a later holder's clean-up deleted: it holds the
            // lock only if its generation is still the highest. Higher generations are never deleted, so this is final.
            var after = await store.ListAsync(networkName, cancellationToken);
            var highest = after.MaxBy(g => g.Generation);
            if (highest is not null && highest.Generation > next)
            {
                await store.DeleteAsync(networkName, next, cancellationToken);
                continue;
            }
            foreach (var older in after.Where(g => g.Generation < next))
                await store.DeleteAsync(networkName, older.Generation, cancellationToken);
            return new LockAcquired(networkName, owner, next, tookOver);
        }
        // Still losing races after MaxAttempts: other runs are taking the lock right now.
        var current = (await store.ListAsync(networkName, cancellationToken)).MaxBy(g => g.Generation);
        throw new NetworkBusyException(networkName, current is not null && !IsReleased(current.Value) ? current.Value : lastHolder ?? "(another run taking the lock)");
    }

    /// <summary>
    /// Gives back the lock <paramref name="owner"/> holds: marks its generations released (never anyone else's). False
    /// when it held none (released already, or taken over after it stopped running).
    /// </summary>
    public async Task<bool> ReleaseAsync(string networkName, string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(networkName);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var released = false;
        foreach (var own in (await store.ListAsync(networkName, cancellationToken)).Where(g => g.Value == owner))
        {
            await store.OverwriteAsync(networkName, own.Generation, ReleasedPrefix + owner, cancellationToken);
            released = true;
        }
        return released;
    }

    /// <summary>The execution that holds the network's lock now (by the stored generations), or null; liveness not checked.</summary>
    public async Task<string?> HolderAsync(string networkName, CancellationToken cancellationToken)
    {
        var top = (await store.ListAsync(networkName, cancellationToken)).MaxBy(g => g.Generation);
        return top is null || IsReleased(top.Value) ? null : top.Value;
    }

    static bool IsReleased(string value) => value.StartsWith(ReleasedPrefix, StringComparison.Ordinal);
}
