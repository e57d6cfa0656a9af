using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nob.StepFunctions;

namespace Nob.LocalCloud.Tests.States;

/// <summary>
/// The test template's functions (Workflow/template.yaml): EchoFunction returns its payload; HoldFunction, given
/// <c>{"key": K}</c>, says it was entered and returns only when the test releases K (or the run is cancelled).
/// </summary>
internal sealed class FakeFunctions : ILambdaFunctions
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public bool Contains(string functionName) => LambdaFunctionNames.NameOf(functionName) is "EchoFunction" or "HoldFunction";

    public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        switch (LambdaFunctionNames.NameOf(functionName))
        {
            case "EchoFunction":
                return LambdaInvocationResult.Success(payload, requestId);
            case "HoldFunction":
                var key = JsonNode.Parse(payload)?["key"]?.GetValue<string>() ?? throw new ArgumentException("HoldFunction needs a key");
                var gate = GateOf(key);
                gate.Entered.TrySetResult();
                var output = await gate.Released.Task.WaitAsync(cancellationToken);
                return output.StartsWith("error:", StringComparison.Ordinal)
                    ? LambdaInvocationResult.Failure(output["error:".Length..], "the test failed it", requestId)
                    : LambdaInvocationResult.Success(output, requestId);
            default:
                return LambdaInvocationResult.Failure("Lambda.ResourceNotFoundException", functionName, requestId);
        }
    }

    /// <summary>Waits (bounded) until HoldFunction runs for <paramref name="key"/>.</summary>
    public Task WaitEnteredAsync(string key) => GateOf(key).Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Lets HoldFunction for <paramref name="key"/> return <paramref name="output"/> (JSON; "error:NAME" fails it).</summary>
    public void Release(string key, string output) => GateOf(key).Released.TrySetResult(output);

    private Gate GateOf(string key) => _gates.GetOrAdd(key, _ => new Gate());

    private sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
