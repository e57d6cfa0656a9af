using System.Collections.Concurrent;
using Nob.StepFunctions;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

/// <summary>Lambda functions that record every invocation and answer with <see cref="Respond"/>.</summary>
internal sealed class RecordingLambdaFunctions(IEnumerable<string> functionArns) : ILambdaFunctions
{
    readonly HashSet<string> known = new(functionArns, StringComparer.Ordinal);

    public ConcurrentQueue<(string FunctionName, string Payload)> Invocations { get; } = new();

    /// <summary>The answer to an invocation's payload; default a 200 proxy response echoing nothing.</summary>
    public Func<string, LambdaInvocationResult> Respond { get; set; } = _ => LambdaInvocationResult.Success("""{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{}"}""", "r-1");

    public bool Contains(string functionName) => known.Contains(functionName);

    public Task<LambdaInvocationResult> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken)
    {
        Invocations.Enqueue((functionName, payload));
        return Task.FromResult(Respond(payload));
    }
}

/// <summary>A local cloud serving template.yaml's networks API with given functions (no broker is created).</summary>
internal static class ApiCloud
{
    public static readonly string TemplatePath = Repository.PathOf("template.yaml");

    public static Task<LocalCloud> StartAsync(string root, ILambdaFunctions functions) =>
        LocalCloud.StartAsync(new LocalCloudOptions
        {
            DataDirectory = Path.Combine(root, "cloud"),
            // The drift schedule would start check-drift at once and call the recording functions: off here.
            Workflow = new LocalWorkflowOptions { TemplatePath = TemplatePath, Functions = functions, DriftScheduleEnabled = false },
        });

    public static SamTemplate Template(LocalCloud cloud) => SamTemplate.Load(TemplatePath, cloud.Region, "000000000000", "nob");
}

/// <summary>An HTTP answer as curl received it.</summary>
internal sealed record CurlResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public IEnumerable<string> Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}

/// <summary>
/// Requests signed by curl's own <c>--aws-sigv4</c> (what a user types) with the cloud's credentials, for service
/// <c>execute-api</c> unless told otherwise.
/// </summary>
internal static class SignedCurl
{
    public static async Task<CurlResponse> SendAsync(LocalCloud cloud, string method, string url, string? body = null,
        IReadOnlyDictionary<string, string>? headers = null, string service = "execute-api", bool sign = true)
    {
        var arguments = new List<string> { "-sS", "-i", "-X", method, "-H", "Expect:" };
        if (sign)
        {
            var environment = cloud.EnvironmentVariables;
            arguments.AddRange(["--aws-sigv4", $"aws:amz:{cloud.Region}:{service}", "--user", $"{environment["AWS_ACCESS_KEY_ID"]}:{environment["AWS_SECRET_ACCESS_KEY"]}"]);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            // "Name:" with nothing after it makes curl send no such header (not even its default Content-Type).
            arguments.AddRange(["-H", value.Length == 0 ? $"{name}:" : $"{name}: {value}"]);
        }
        if (body is not null)
        {
            arguments.AddRange(["--data-binary", "@-"]);
        }
        arguments.Add(url);
        return Parse(await CurlProcess.RunAsync(arguments, body ?? ""));
    }

    static CurlResponse Parse(string text)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? "" : text[(split + 4)..];
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => KeyValuePair.Create(p[0].Trim(), p[1].Trim())).ToList();
        return new CurlResponse(status, headers, body);
    }
}
