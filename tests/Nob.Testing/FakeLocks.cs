using System.Collections.Concurrent;
using Nob.Core.Workflow;

namespace Nob.Testing;

/// <summary>
/// Lock generations in memory with SSM's create-if-absent semantics. <see cref="BeforeCreate"/> runs just before a create
/// (after the caller listed), so a test can let another run slip in between, as a race would.
/// </summary>
public sealed class FakeLockStore : ILockStore
{
    readonly ConcurrentDictionary<(string Network, long Generation), string> values = new();

    public Func<string, long, Task>? BeforeCreate { get; set; }

    public IReadOnlyDictionary<long, string> Generations(string networkName) =>
        values.Where(kv => kv.Key.Network == networkName).ToDictionary(kv => kv.Key.Generation, kv => kv.Value);

    public void Set(string networkName, long generation, string value) => values[(networkName, generation)] = value;

    public Task<IReadOnlyList<LockGeneration>> ListAsync(string networkName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LockGeneration>>([.. values.Where(kv => kv.Key.Network == networkName).Select(kv => new LockGeneration(kv.Key.Generation, kv.Value))]);

    public async Task<bool> TryCreateAsync(string networkName, long generation, string value, CancellationToken cancellationToken)
    {
        if (BeforeCreate is { } hook)
        {
            BeforeCreate = null; // once
            await hook(networkName, generation);
        }
        return values.TryAdd((networkName, generation), value);
    }

    public Task OverwriteAsync(string networkName, long generation, string value, CancellationToken cancellationToken)
    {
        values[(networkName, generation)] = value;
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string networkName, long generation, CancellationToken cancellationToken)
    {
        values.TryRemove((networkName, generation), out _);
        return Task.CompletedTask;
    }
}

/// <summary>Executions that run: the ARNs in <see cref="Running"/>; every other one has ended (or never was).</summary>
public sealed class FakeExecutionStatus : IExecutionStatus
{
    public ConcurrentDictionary<string, byte> Running { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Asked { get; } = new();

    public FakeExecutionStatus(params string[] running)
    {
        foreach (var arn in running) Running[arn] = 0;
    }

    public Task<bool> IsRunningAsync(string executionArn, CancellationToken cancellationToken)
    {
        Asked.Enqueue(executionArn);
        return Task.FromResult(Running.ContainsKey(executionArn));
    }
}
