using System.Diagnostics;

namespace Nob.LocalCloud.Tests;

/// <summary>Debian's curl, as a user reaches the endpoint outside nob; a curl that fails (not an HTTP error) fails the test.</summary>
internal static class CurlProcess
{
    /// <summary>curl's standard output for <paramref name="arguments"/>, with <paramref name="input"/> on its standard input when given (for <c>--data-binary @-</c>).</summary>
    public static async Task<string> RunAsync(IEnumerable<string> arguments, string? input = null)
    {
        var info = new ProcessStartInfo("curl")
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"curl exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
