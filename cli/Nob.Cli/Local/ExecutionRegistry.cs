using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nob.LocalBrokers;

namespace Nob.Cli.Local;

/// <summary>
/// Tells the local endpoint about each execution this process runs (and each nested one), with this process's identity,
/// and how it ended: the endpoint's DescribeExecution then answers RUNNING while this process lives and has not reported
/// the end, so a network lock held by a <c>nob up</c> that was killed is taken over by the next run, as on AWS a lock
/// held by an aborted execution is. Its calls are signed with the endpoint's credentials (from <paramref name="environment"/>,
/// what the endpoint publishes in cloud.json).
/// </summary>
public sealed class ExecutionRegistry(IReadOnlyDictionary<string, string> environment)
{
    readonly Lazy<HttpClient> http = new(() => Nob.Aws.SignedHttp.LocalCloudClient(environment, TimeSpan.FromSeconds(30)));

    HttpClient Http => http.Value;

    static readonly Lazy<ProcessIdentity> Self = new(() => ProcessIdentity.Of(Environment.ProcessId)
        ?? throw new InvalidOperationException("this process's identity (start time, command line) cannot be read from /proc"));

    static string Admin(string path) => "_localcloud/" + path;

    public async Task StartingAsync(string executionArn, CancellationToken cancellationToken)
    {
        var self = Self.Value;
        var body = new JsonObject { ["executionArn"] = executionArn, ["pid"] = self.Pid, ["processStartTime"] = self.StartTime, ["commandLine"] = self.CommandLine };
        using var response = await Http.PostAsJsonAsync(Admin("executions"), body, cancellationToken);
        // An endpoint started by an older nob has no executions (nor DescribeExecution): the run goes on, so `nob down`
        // still works there; a lock it finds held then fails the run with the endpoint's error instead of taking over.
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"the local endpoint refused to register execution {executionArn}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    public async Task EndedAsync(string executionArn, string status, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.PostAsJsonAsync(Admin("executions/end"), new JsonObject { ["executionArn"] = executionArn, ["status"] = status }, cancellationToken);
        }
        catch (HttpRequestException)
        {
            // The endpoint went away: nothing asks it about this execution any more, and once this process exits the
            // endpoint (when it is back) sees the execution as no longer running anyway.
        }
    }

    /// <summary>A unique execution name: two runs started in the same second by different processes never share one.</summary>
    public static string ExecutionName(string networkName, string? kind, DateTimeOffset now) =>
        $"{networkName}{(kind is null ? "" : "-" + kind)}-{now:yyyyMMddHHmmss}-{Environment.ProcessId}";
}
