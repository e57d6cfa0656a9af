using System.Text.Json.Nodes;

namespace Nob.Cli.Local;

/// <summary>
/// How a user reaches the running local endpoint from outside nob (the AWS CLI, an SDK, <c>curl --aws-sigv4</c>): its
/// URL, region and the one access key it accepts, and the local console's URL, as <c>nob status</c> prints them.
/// </summary>
public static class EndpointAccess
{
    // AWS_DEFAULT_REGION too: the AWS CLI v1 reads only that one.
    static readonly string[] Variables = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"];

    /// <summary>One shell line that points the AWS CLI and SDKs at the endpoint (the values need no quoting).</summary>
    public static string ExportLine(CloudState cloud) =>
        "export " + string.Join(' ', Variables.Select(name => $"{name}={Value(cloud, name)}"));

    /// <summary>What <c>nob status --json</c> prints about the endpoint.</summary>
    public static JsonObject Json(CloudState cloud) => new()
    {
        ["running"] = true,
        ["endpoint"] = cloud.Endpoint,
        ["region"] = cloud.Region,
        ["pid"] = cloud.Pid,
        ["credentials"] = new JsonObject
        {
            ["accessKeyId"] = Value(cloud, "AWS_ACCESS_KEY_ID"),
            ["secretAccessKey"] = Value(cloud, "AWS_SECRET_ACCESS_KEY"),
        },
        ["apiUrl"] = cloud.ApiUrl,
        ["consoleUrl"] = ConsoleUrl(cloud),
        ["trustStore"] = cloud.TrustStore,
    };

    /// <summary>The local console's URL with its token (derived from the endpoint's secret key, so as secret).</summary>
    public static string ConsoleUrl(CloudState cloud) =>
        Nob.LocalCloud.WebConsole.ConsoleAccess.Url(cloud.Endpoint, Value(cloud, "AWS_SECRET_ACCESS_KEY"));

    static string Value(CloudState cloud, string name) => name switch
    {
        "AWS_ENDPOINT_URL" => cloud.Endpoint,
        "AWS_REGION" or "AWS_DEFAULT_REGION" => cloud.Region,
        _ => cloud.Environment.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"the local endpoint's state (cloud.json) has no {name}"),
    };
}
