global using Nob.Testing;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Nob.Core.Verification;

namespace Nob.StepFunctions.Tests;

internal static class Repo
{
    public static string Root => Nob.Testing.Repository.Root;
    public static string PathOf(params string[] parts) => Nob.Testing.Repository.PathOf(parts);
    public static string Example(string name) => Nob.Testing.Repository.Example(name);
}

/// <summary>Lambda functions written inline by a test: JSON in, JSON out; an exception is the function's error.</summary>
public sealed class ScriptedFunctions : ILambdaFunctions
{
    readonly Dictionary<string, Func<JsonNode?, Task<JsonNode?>>> handlers = new(StringComparer.Ordinal);
    readonly Lock gate = new();
    readonly List<(string Function, string Payload)> calls = [];

    public ScriptedFunctions On(string name, Func<JsonNode?, JsonNode?> handler)
    {
        handlers[name] = p => Task.FromResult(handler(p));
        return this;
    }

    public ScriptedFunctions OnAsync(string name, Func<JsonNode?, Task<JsonNode?>> handler)
    {
        handlers[name] = handler;
        return this;
    }

    public IReadOnlyList<(string Function, string Payload)> Calls
    {
        get
        {
            lock (gate) return [.. calls];
        }
    }

    public bool Contains(string functionName) => LambdaFunctionNames.NameOf(functionName) is { } n && handlers.ContainsKey(n);

    public async Task<LambdaInvocationResult> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken)
    {
        var name = LambdaFunctionNames.NameOf(functionName)!;
        lock (gate) calls.Add((name, payload));
        try
        {
            var output = await handlers[name](JsonNode.Parse(payload));
            return LambdaInvocationResult.Success(output?.ToJsonString(), "req-1");
        }
        catch (Exception e)
        {
            return LambdaInvocationResult.Failure(e.GetType().Name, e.Message, "req-1");
        }
    }
}

public sealed class TransientException(string message) : Exception(message);

public sealed class OtherException(string message) : Exception(message);

internal static class Sfn
{
    /// <summary>Runs an inline definition once on a virtual clock.</summary>
    public static async Task<ExecutionResult> RunAsync(string definition, string input = "{}", ILambdaFunctions? functions = null,
        ManualClock? clock = null, Func<double>? random = null, Action<HistoryEvent>? onEvent = null)
    {
        var machine = new LocalStateMachine(StateMachineDefinition.Parse(definition), functions ?? new ScriptedFunctions(),
            new LocalStateMachineOptions { TimeProvider = clock ?? ManualClock.AutoAdvancing(), Random = random, OnEvent = onEvent });
        return await machine.ExecuteAsync(input);
    }

    /// <summary>Runs and expects success; returns the output as JSON.</summary>
    public static async Task<JsonNode?> OutputAsync(string definition, string input = "{}", ILambdaFunctions? functions = null, ManualClock? clock = null, Func<double>? random = null)
    {
        var result = await RunAsync(definition, input, functions, clock, random);
        Assert.True(result.IsSucceeded, result.Explain());
        return JsonNode.Parse(result.Output!);
    }

    /// <summary>A one-state machine: a Pass with the given fields, ending.</summary>
    public static string Pass(string fields) => $$$$"""{"StartAt":"P","States":{"P":{"Type":"Pass",{{{{fields}}}},"End":true}}}""";

    static readonly System.Text.Json.JsonSerializerOptions relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(JsonNode? node) => node?.ToJsonString(relaxed) ?? "null";
}
