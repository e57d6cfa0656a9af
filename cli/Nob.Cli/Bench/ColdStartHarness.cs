using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace Nob.Cli.Bench;

/// <summary>
/// Cold start of one handler: a fresh <c>dotnet</c> process loads the handler the way Lambda's managed runtime does (the
/// template's <c>Handler</c> string, its public parameterless constructor, so the real composition root), invokes it
/// once with a payload the benchmark's own build recorded, and reports when the response was there. The parent
/// (<see cref="MeasureAsync"/>) times the process from spawn to that report.
/// </summary>
public static class ColdStartHarness
{
    /// <summary>The hidden <c>nob bench</c> option the child runs: <c>--invoke-handler HANDLER PAYLOAD_FILE [--warm]</c>.</summary>
    public const string InvokeOption = "--invoke-handler";
    const string Marker = "NOB-HANDLER-RESPONSE ";

    /// <summary>In the child: invoke once (and once more warm with <paramref name="warm"/>), then print one line of timings.</summary>
    public static async Task<int> InvokeAsync(string handler, string payloadFile, bool warm, TextWriter stdout)
    {
        var mainEntered = DateTime.Now;
        double runtimeStartMs;
        using (var self = Process.GetCurrentProcess()) runtimeStartMs = (mainEntered - self.StartTime).TotalMilliseconds;
        var payload = await File.ReadAllBytesAsync(payloadFile);
        var clock = Stopwatch.StartNew();
        var parts = handler.Split("::");
        if (parts.Length != 3) throw new ArgumentException($"a handler is Assembly::Type::Method, not \"{handler}\"");
        var type = Assembly.Load(new AssemblyName(parts[0])).GetType(parts[1], throwOnError: true)!;
        var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance)!;
        var instance = Activator.CreateInstance(type)!;
        var constructMs = clock.Elapsed.TotalMilliseconds;
        var (firstMs, error) = await InvokeOnceAsync(method, instance, payload);
        double? warmMs = null;
        if (warm && error is null) (warmMs, error) = await InvokeOnceAsync(method, instance, payload);
        var report = new JsonObject
        {
            ["runtimeStartMs"] = Math.Round(runtimeStartMs, 1),
            ["constructMs"] = Math.Round(constructMs, 1),
            ["firstInvokeMs"] = Math.Round(firstMs, 1),
            ["warmInvokeMs"] = warmMs is { } w ? Math.Round(w, 1) : null,
            ["error"] = error,
        };
        await stdout.WriteLineAsync(Marker + report.ToJsonString());
        await stdout.FlushAsync();
        return error is null ? NobCommand.Ok : NobCommand.Failed;
    }

    static async Task<(double Ms, string? Error)> InvokeOnceAsync(MethodInfo method, object instance, byte[] payload)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var input = new MemoryStream(payload, writable: false);
            await using var output = await (Task<Stream>)method.Invoke(instance, [input])!;
            using var reader = new StreamReader(output, Encoding.UTF8);
            await reader.ReadToEndAsync();
            return (clock.Elapsed.TotalMilliseconds, null);
        }
        catch (Exception e)
        {
            var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            return (clock.Elapsed.TotalMilliseconds, $"{inner.GetType().Name}: {inner.Message}");
        }
    }

    /// <summary>In the parent: spawn <c>dotnet HARNESS bench --invoke-handler …</c> and time it to the response line.</summary>
    public static async Task<ColdStart> MeasureAsync(string harnessDll, string harnessLabel, string function, string handler, string payloadFile, bool warm,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { harnessDll, "bench", InvokeOption, handler, payloadFile }) start.ArgumentList.Add(a);
        if (warm) start.ArgumentList.Add("--warm");
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the cold-start harness");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        string? line;
        double? atResponse = null;
        JsonNode? report = null;
        while ((line = await process.StandardOutput.ReadLineAsync(cancellationToken)) is not null)
        {
            if (!line.StartsWith(Marker, StringComparison.Ordinal)) continue;
            atResponse = clock.Elapsed.TotalMilliseconds;
            report = JsonNode.Parse(line[Marker.Length..]);
        }
        await process.WaitForExitAsync(cancellationToken);
        if (report is null || atResponse is null)
            return new ColdStart(harnessLabel, function, clock.Elapsed.TotalMilliseconds, 0, 0, 0, null, false, $"exit {process.ExitCode}: {Last(await stderr)}");
        var error = (string?)report["error"];
        return new ColdStart(harnessLabel, function, atResponse.Value, (double)report["runtimeStartMs"]!, (double)report["constructMs"]!, (double)report["firstInvokeMs"]!,
            (double?)report["warmInvokeMs"], error is null, error);
    }

    static string Last(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));

    internal static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture);
}
