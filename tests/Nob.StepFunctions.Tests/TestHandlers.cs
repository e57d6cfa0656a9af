using System.Text;
using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

// Handlers for the in-process Lambda tests, named by Handler strings such as
// "Nob.StepFunctions.Tests::Nob.StepFunctions.Tests.EchoFunction::HandleAsync".

public interface IGreeting
{
    string Greet(string name);
}

public sealed class Greeting(string prefix) : IGreeting
{
    public string Greet(string name) => prefix + name;
}

public sealed class EchoFunction
{
    static int created;

    public EchoFunction() => Instance = Interlocked.Increment(ref created);

    public int Instance { get; }

    public async Task<Stream> HandleAsync(Stream input)
    {
        using var reader = new StreamReader(input);
        var payload = JsonNode.Parse(await reader.ReadToEndAsync())!;
        if (payload["delayMs"] is { } delay) await Task.Delay((int)delay);
        return new MemoryStream(Encoding.UTF8.GetBytes(new JsonObject { ["echo"] = payload.DeepClone(), ["instance"] = Instance }.ToJsonString()));
    }
}

public sealed class GreetFunction(IGreeting greeting)
{
    public GreetFunction() : this(new Greeting("Hello from the parameterless constructor, ")) { }

    public Stream Handle(Stream input)
    {
        var name = (string)JsonNode.Parse(input)!["name"]!;
        return new MemoryStream(Encoding.UTF8.GetBytes(new JsonObject { ["greeting"] = greeting.Greet(name) }.ToJsonString()));
    }
}

public sealed class OptionalFunction(IGreeting greeting, string? suffix)
{
    public Stream Handle(Stream input) =>
        new MemoryStream(Encoding.UTF8.GetBytes(new JsonObject { ["greeting"] = greeting.Greet("Ada") + (suffix ?? "<no suffix>") }.ToJsonString()));
}

/// <summary>Reads its configuration from the environment in its parameterless constructor, as our composition root does.</summary>
public sealed class EnvironmentFunction
{
    readonly string? greeting = Environment.GetEnvironmentVariable("NOB_SFN_TEST_GREETING");

    public Stream Handle(Stream input) =>
        new MemoryStream(Encoding.UTF8.GetBytes(new JsonObject { ["greeting"] = greeting }.ToJsonString()));
}

public sealed class SpecRejectedException(string message) : Exception(message);

public sealed class ThrowingFunction
{
    public Task<Stream> HandleAsync(Stream input) => throw new SpecRejectedException("brokers[1].name: \"My Broker\" contains a space");
}

public static class StaticFunction
{
    public static Stream Handle(Stream input) => input;
}

public sealed class SlowFunction
{
    public async Task<Stream> HandleAsync(Stream input)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        return input;
    }
}

public sealed class OverloadedFunction
{
    public Stream Handle(Stream input) => input;
    public Stream Handle(Stream input, int extra) => input;
}

public sealed class ContextFunction
{
    public Stream Handle(Stream input, object context) => input;
}

public sealed class NotJsonFunction
{
    public Stream Handle(Stream input) => new MemoryStream(Encoding.UTF8.GetBytes("plain text"));
}
