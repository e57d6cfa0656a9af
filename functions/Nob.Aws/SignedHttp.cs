using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Nob.Aws;

/// <summary>
/// Plain HTTP calls SigV4-signed by AWSSDK.Core's own signer (<see cref="SigV4SigningHandler"/>, a
/// <see cref="DelegatingHandler"/>): for endpoints that have no SDK client, such as the local endpoint's admin routes or
/// an API Gateway API (<c>execute-api</c>). nob never computes a client signature itself.
/// </summary>
public static class SignedHttp
{
    /// <summary>The service name the local endpoint's admin routes (<c>/_localcloud/…</c>) are signed for (it accepts any).</summary>
    public const string LocalCloudAdminService = "localcloud";

    /// <summary>A handler that signs each request for <paramref name="service"/> in <paramref name="region"/> with <paramref name="credentials"/>.</summary>
    public static DelegatingHandler Handler(AWSCredentials credentials, string region, string service, DateTime? signedAt = null, HttpMessageHandler? inner = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        var parameters = new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignPayload = true,
            SignedAt = signedAt,
        };
        return new SigV4SigningHandler(parameters, inner ?? new HttpClientHandler());
    }

    /// <summary>An <see cref="HttpClient"/> on <paramref name="baseAddress"/> whose every request is signed (see <see cref="Handler"/>).</summary>
    public static HttpClient Client(Uri baseAddress, AWSCredentials credentials, string region, string service = LocalCloudAdminService, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        return new HttpClient(Handler(credentials, region, service), disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
    }

    /// <summary>
    /// A client for the local endpoint from the variables it publishes (<c>AWS_ENDPOINT_URL</c>, <c>AWS_REGION</c>,
    /// <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>), signing its admin routes.
    /// </summary>
    public static HttpClient LocalCloudClient(IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string Get(string name) => environment.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"the local endpoint's environment has no {name}");
        return Client(new Uri(Get("AWS_ENDPOINT_URL").TrimEnd('/') + "/"), new BasicAWSCredentials(Get("AWS_ACCESS_KEY_ID"), Get("AWS_SECRET_ACCESS_KEY")),
            Get("AWS_REGION"), LocalCloudAdminService, timeout);
    }
}
