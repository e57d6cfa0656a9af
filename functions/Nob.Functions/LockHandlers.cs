using System.Text.Json.Serialization;
using Nob.Core.Workflow;

namespace Nob.Functions;

// The network lock's handlers, shared by build-network and teardown-network: thin, like Handlers.cs. The owner is the
// execution's ARN ($$.Execution.Id).

public sealed record LockRequest(string NetworkName, string Owner);

public sealed record LockReleased(string NetworkName, string Owner, bool Released);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(LockRequest))]
[JsonSerializable(typeof(LockAcquired))]
[JsonSerializable(typeof(LockReleased))]
public sealed partial class LockJson : JsonSerializerContext;

/// <summary>Takes the network's lock, or fails with NetworkBusyException naming the running execution that holds it.</summary>
public sealed class AcquireLockFunction(ILockStore locks, IExecutionStatus executions)
{
    public AcquireLockFunction() : this(Composition.Locks, Composition.ExecutionStatus) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await Read(input);
        var acquired = await new NetworkLock(locks, executions).AcquireAsync(request.NetworkName, request.Owner, CancellationToken.None);
        return StepJson.Write(acquired, LockJson.Default.LockAcquired);
    }

    internal static async Task<LockRequest> Read(Stream input)
    {
        var request = await StepJson.ReadAsync(input, LockJson.Default.LockRequest);
        if (string.IsNullOrWhiteSpace(request.NetworkName) || string.IsNullOrWhiteSpace(request.Owner))
            throw new StepInputException("the lock request needs a networkName and an owner (the execution ARN)");
        return request;
    }
}

/// <summary>Gives the lock back (only the owner's generations; a lock taken over from it is left alone).</summary>
public sealed class ReleaseLockFunction(ILockStore locks)
{
    public ReleaseLockFunction() : this(Composition.Locks) { }

    public async Task<Stream> HandleAsync(Stream input)
    {
        var request = await AcquireLockFunction.Read(input);
        // Release never asks whether anyone runs: the status port is not needed (nor its IAM action).
        var released = await new NetworkLock(locks, NoExecutions.Instance).ReleaseAsync(request.NetworkName, request.Owner, CancellationToken.None);
        return StepJson.Write(new LockReleased(request.NetworkName, request.Owner, released), LockJson.Default.LockReleased);
    }

    sealed class NoExecutions : IExecutionStatus
    {
        public static readonly NoExecutions Instance = new();

        public Task<bool> IsRunningAsync(string executionArn, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("releasing a lock does not look at executions");
    }
}
