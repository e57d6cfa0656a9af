using System.Text.Json.Nodes;

namespace Nob.LocalCloud.Mq;

/// <summary>The handlers a route can call, one object per kind of resource.</summary>
internal sealed record MqOperations(BrokerOperations Brokers, UserOperations Users, ConfigurationOperations Configurations);

/// <summary>One request to the Amazon MQ API: its path below <c>/v1/</c> in segments, its query and its JSON body.</summary>
internal sealed record MqCall(IReadOnlyList<string> Path, Func<string, string?> Query, JsonObject Body);

/// <summary>
/// One route: a method and a path pattern below <c>/v1/</c>, where a <c>{name}</c> segment matches any one segment and
/// the others match themselves; the Amazon MQ operation it is, and the handler that answers it.
/// </summary>
internal sealed record MqRoute(string Method, string Pattern, string Operation, Func<MqOperations, MqCall, JsonObject> Handler)
{
    private readonly string[] _segments = Pattern.Split('/');

    public bool Matches(string method, IReadOnlyList<string> path) =>
        method == Method
        && path.Count == _segments.Length
        && _segments.Select((segment, i) => segment.StartsWith('{') || segment == path[i]).All(matches => matches);
}

/// <summary>
/// Amazon MQ's REST routes (2017-11-27), the one table that both dispatches a request and names its operation for
/// the request counts.
/// </summary>
internal static class MqRoutes
{
    public static readonly IReadOnlyList<MqRoute> All =
    [
        new("GET", "brokers", "ListBrokers", (o, c) => o.Brokers.List(c.Query)),
        new("POST", "brokers", "CreateBroker", (o, c) => o.Brokers.Create(c.Body)),
        new("GET", "brokers/{broker-id}", "DescribeBroker", (o, c) => o.Brokers.Describe(c.Path[1])),
        new("PUT", "brokers/{broker-id}", "UpdateBroker", (o, c) => o.Brokers.Update(c.Path[1], c.Body)),
        new("DELETE", "brokers/{broker-id}", "DeleteBroker", (o, c) => o.Brokers.Delete(c.Path[1])),
        new("POST", "brokers/{broker-id}/reboot", "RebootBroker", (o, c) => o.Brokers.Reboot(c.Path[1])),
        new("GET", "brokers/{broker-id}/users", "ListUsers", (o, c) => o.Users.List(c.Path[1], c.Query)),
        new("GET", "brokers/{broker-id}/users/{username}", "DescribeUser", (o, c) => o.Users.Describe(c.Path[1], c.Path[3])),
        new("POST", "brokers/{broker-id}/users/{username}", "CreateUser", (o, c) => o.Users.Create(c.Path[1], c.Path[3], c.Body)),
        new("PUT", "brokers/{broker-id}/users/{username}", "UpdateUser", (o, c) => o.Users.Update(c.Path[1], c.Path[3], c.Body)),
        new("POST", "tags/{resource-arn}", "CreateTags", (o, c) => o.Brokers.CreateTags(c.Path[1], c.Body)),
        new("GET", "configurations", "ListConfigurations", (o, c) => o.Configurations.List(c.Query)),
        new("POST", "configurations", "CreateConfiguration", (o, c) => o.Configurations.Create(c.Body)),
        new("GET", "configurations/{configuration-id}", "DescribeConfiguration", (o, c) => o.Configurations.Describe(c.Path[1])),
        new("PUT", "configurations/{configuration-id}", "UpdateConfiguration", (o, c) => o.Configurations.Update(c.Path[1], c.Body)),
        new("GET", "configurations/{configuration-id}/revisions", "ListConfigurationRevisions", (o, c) => o.Configurations.ListRevisions(c.Path[1], c.Query)),
        new("GET", "configurations/{configuration-id}/revisions/{configuration-revision}", "DescribeConfigurationRevision",
            (o, c) => o.Configurations.DescribeRevision(c.Path[1], c.Path[3])),
    ];

    /// <summary>The route a request takes, or null when the API has no such operation.</summary>
    public static MqRoute? Find(string method, IReadOnlyList<string> path) => All.FirstOrDefault(r => r.Matches(method, path));

    /// <summary>The Amazon MQ operation a request names (path below <c>/v1/</c>), for counting; "Unknown" otherwise.</summary>
    public static string OperationName(string method, IReadOnlyList<string> path) => Find(method, path)?.Operation ?? "Unknown";
}
