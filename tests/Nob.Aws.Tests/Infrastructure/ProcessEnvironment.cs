namespace Nob.Aws.Tests.Infrastructure;

/// <summary>Runs a test body with environment variables set (null: unset), and puts back what they were afterwards.</summary>
/// <remarks>The environment is the process's: tests that use this belong to <see cref="EnvironmentCollection"/>.</remarks>
internal static class ProcessEnvironment
{
    public static async Task WithAsync(IReadOnlyDictionary<string, string?> variables, Func<Task> body)
    {
        var saved = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            await body();
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
