using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

public class NetworkLockTests
{
    const string Network = "tutorial";
    const string First = "arn:aws:states:us-east-1:123456789012:execution:build-network:first";
    const string Second = "arn:aws:states:us-east-1:123456789012:execution:build-network:second";
    const string Third = "arn:aws:states:us-east-1:123456789012:execution:teardown-network:third";
    static readonly CancellationToken None = CancellationToken.None;

    readonly FakeLockStore store = new();

    [Fact]
    public async Task Acquire_NoLockYet_HoldsGenerationOne()
    {
        var acquired = await new NetworkLock(store, new FakeExecutionStatus()).AcquireAsync(Network, First, None);

        Assert.Equal(new LockAcquired(Network, First, 1, null), acquired);
        Assert.Equal(new Dictionary<long, string> { [1] = First }, store.Generations(Network));
    }

    [Fact]
    public async Task Acquire_HeldByARunningExecution_ThrowsNetworkBusyNamingItAndWritesNothing()
    {
        var executions = new FakeExecutionStatus(First);
        await new NetworkLock(store, executions).AcquireAsync(Network, First, None);

        var e = await Assert.ThrowsAsync<NetworkBusyException>(() => new NetworkLock(store, executions).AcquireAsync(Network, Second, None));

        Assert.Equal(First, e.HolderExecutionArn);
        Assert.Contains(First, e.Message, StringComparison.Ordinal);
        Assert.Contains("\"tutorial\"", e.Message, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<long, string> { [1] = First }, store.Generations(Network));
    }

    [Fact]
    public async Task Acquire_OtherNetworkLocked_IsNotBusy()
    {
        var executions = new FakeExecutionStatus(First);
        await new NetworkLock(store, executions).AcquireAsync("other", First, None);

        var acquired = await new NetworkLock(store, executions).AcquireAsync(Network, Second, None);

        Assert.Equal(1, acquired.Generation);
    }

    [Fact]
    public async Task Acquire_HolderNoLongerRuns_TakesItOverAndDropsTheOldGeneration()
    {
        var executions = new FakeExecutionStatus(First);
        await new NetworkLock(store, executions).AcquireAsync(Network, First, None);
        executions.Running.TryRemove(First, out _); // killed: it never released

        var acquired = await new NetworkLock(store, executions).AcquireAsync(Network, Second, None);

        Assert.Equal(new LockAcquired(Network, Second, 2, First), acquired);
        Assert.Equal(new Dictionary<long, string> { [2] = Second }, store.Generations(Network));
        Assert.Contains(First, executions.Asked);
    }

    [Fact]
    public async Task Acquire_AfterRelease_TakesTheNextGenerationWithoutAskingWhoRuns()
    {
        var executions = new FakeExecutionStatus(First);
        var locks = new NetworkLock(store, executions);
        await locks.AcquireAsync(Network, First, None);
        Assert.True(await locks.ReleaseAsync(Network, First, None));

        var acquired = await locks.AcquireAsync(Network, Second, None);

        Assert.Equal((2, (string?)null), (acquired.Generation, acquired.TookOverFrom));
        Assert.Empty(executions.Asked); // a released lock is free whoever released it
        Assert.Equal(Second, await locks.HolderAsync(Network, None));
    }

    [Fact]
    public async Task Acquire_AgainByTheHolder_ReturnsTheSameGeneration()
    {
        var locks = new NetworkLock(store, new FakeExecutionStatus(First));
        await locks.AcquireAsync(Network, First, None);

        var again = await locks.AcquireAsync(Network, First, None);

        Assert.Equal(1, again.Generation);
        Assert.Single(store.Generations(Network));
    }

    [Fact]
    public async Task Acquire_TwoRunsRacingForAFreeLock_ExactlyOneHoldsItAndTheOtherIsBusyNamingIt()
    {
        var executions = new FakeExecutionStatus(First, Second);
        // Second lists (free), then First creates generation 1 before Second's create: Second loses the race.
        store.BeforeCreate = async (_, _) => await new NetworkLock(store, executions).AcquireAsync(Network, First, None);

        var e = await Assert.ThrowsAsync<NetworkBusyException>(() => new NetworkLock(store, executions).AcquireAsync(Network, Second, None));

        Assert.Equal(First, e.HolderExecutionArn);
        Assert.Equal(new Dictionary<long, string> { [1] = First }, store.Generations(Network));
    }

    [Fact]
    public async Task Acquire_ManyRunsAtOnce_ExactlyOneHoldsIt()
    {
        var owners = Enumerable.Range(0, 8).Select(i => $"arn:aws:states:us-east-1:123456789012:execution:build-network:run{i}").ToArray();
        var executions = new FakeExecutionStatus(owners);

        var outcomes = await Task.WhenAll(owners.Select(owner => Task.Run(async () =>
        {
            try
            {
                return (await new NetworkLock(store, executions).AcquireAsync(Network, owner, None)).Owner;
            }
            catch (NetworkBusyException)
            {
                return null;
            }
        })));

        var winner = Assert.Single(outcomes.OfType<string>());
        Assert.Equal(winner, await new NetworkLock(store, executions).HolderAsync(Network, None));
    }

    [Fact]
    public async Task Acquire_AnotherRunTookTheReleasedLockFirst_IsBusyNamingIt()
    {
        var executions = new FakeExecutionStatus(Third);
        // First held generation 1 and released it. Second lists (1 is free) and goes for 2; just before its create,
        // Third takes 2 and drops 1. Second's create fails, it looks again and finds Third running.
        store.Set(Network, 1, NetworkLock.ReleasedPrefix + First);
        store.BeforeCreate = async (_, _) =>
        {
            await store.DeleteAsync(Network, 1, None);
            store.Set(Network, 2, Third);
        };

        var e = await Assert.ThrowsAsync<NetworkBusyException>(() => new NetworkLock(store, executions).AcquireAsync(Network, Second, None));

        Assert.Equal(Third, e.HolderExecutionArn);
        Assert.Equal(new Dictionary<long, string> { [2] = Third }, store.Generations(Network));
    }

    [Fact]
    public async Task Acquire_CreatedGenerationIsNotTheHighest_WithdrawsItAndIsBusy()
    {
        var executions = new FakeExecutionStatus(Third);
        // Second saw no lock and creates generation 1, while Third (listing after an older clean-up) already holds 2.
        store.BeforeCreate = (_, _) =>
        {
            store.Set(Network, 2, Third);
            return Task.CompletedTask;
        };

        var e = await Assert.ThrowsAsync<NetworkBusyException>(() => new NetworkLock(store, executions).AcquireAsync(Network, Second, None));

        Assert.Equal(Third, e.HolderExecutionArn);
        Assert.Equal(new Dictionary<long, string> { [2] = Third }, store.Generations(Network)); // Second's generation 1 withdrawn
    }

    [Fact]
    public async Task Release_ByTheHolder_MarksItsGenerationReleased()
    {
        var locks = new NetworkLock(store, new FakeExecutionStatus(First));
        await locks.AcquireAsync(Network, First, None);

        Assert.True(await locks.ReleaseAsync(Network, First, None));

        Assert.Equal(new Dictionary<long, string> { [1] = NetworkLock.ReleasedPrefix + First }, store.Generations(Network));
        Assert.Null(await locks.HolderAsync(Network, None));
        Assert.False(await locks.ReleaseAsync(Network, First, None)); // twice: nothing more to give back
    }

    [Fact]
    public async Task Release_ByARunThatWasTakenOver_LeavesTheNewHoldersLock()
    {
        var executions = new FakeExecutionStatus();
        var locks = new NetworkLock(store, executions);
        await locks.AcquireAsync(Network, First, None);
        executions.Running[Second] = 0;
        await locks.AcquireAsync(Network, Second, None); // First does not run: taken over

        Assert.False(await locks.ReleaseAsync(Network, First, None));

        Assert.Equal(Second, await locks.HolderAsync(Network, None));
    }
}
