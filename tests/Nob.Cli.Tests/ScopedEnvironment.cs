namespace Nob.Cli.Tests;

/// <summary>Tests that change this process's environment: run alone, never beside another test class.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

/// <summary>Sets environment variables for a test's duration and puts back what was there.</summary>
sealed class ScopedEnvironment : IDisposable
{
    readonly Dictionary<string, string?> previous = [];

    public ScopedEnvironment(IReadOnlyDictionary<string, string?> variables)
    {
        foreach (var (name, value) in variables)
        {
            previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
    }
}
