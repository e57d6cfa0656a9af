using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Util.Internal;

namespace Nob.Aws.Protocol;

/// <summary>What tells one AWS service's hand-written client apart: the names and version its botocore model gives.</summary>
/// <param name="ServiceId">The model's service id; <c>AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt;</c> is derived from it.</param>
/// <param name="SigningName">The SigV4 signing name.</param>
/// <param name="EndpointPrefix">The model's <c>endpointPrefix</c>: the host is <c>{prefix}.{region}.{partition dns suffix}</c>.</param>
/// <param name="ApiVersion">The model's <c>apiVersion</c>.</param>
/// <param name="UserAgentName">The service's name in the user agent.</param>
/// <param name="FipsEndpoints">FIPS endpoints the service's rule set names explicitly, by region.</param>
public sealed record AwsServiceIdentity(
    string ServiceId,
    string SigningName,
    string EndpointPrefix,
    string ApiVersion,
    string UserAgentName,
    IReadOnlyDictionary<string, string>? FipsEndpoints = null);

/// <summary>
/// Client configuration shared by the hand-written clients. Endpoint selection follows the SDK: an explicit
/// <see cref="ClientConfig.ServiceURL"/> wins, then the <c>AWS_ENDPOINT_URL_&lt;SERVICE_ID&gt;</c> and
/// <c>AWS_ENDPOINT_URL</c> environment variables (and the profile's <c>endpoint_url</c>), else
/// <c>https://{endpoint prefix}.{region}.{partition dns suffix}</c> (<see cref="RegionalEndpointProvider"/>).
/// The SDK's standard defaults modes apply (standard retry mode).
/// </summary>
public abstract class AwsServiceConfig : ClientConfig
{
    private static readonly RegionalEndpointResolver Resolver = new();

    private readonly AwsServiceIdentity service;

    private readonly string userAgent;

    protected AwsServiceConfig(AwsServiceIdentity service)
        : base(new DefaultConfigurationProvider(StandardDefaultConfiguration.All))
    {
        ArgumentNullException.ThrowIfNull(service);
        this.service = service;
        userAgent = InternalSDKUtils.BuildUserAgentString(service.UserAgentName, "nob-1.0");
        ServiceId = service.ServiceId;
        AuthenticationServiceName = service.SigningName;
        EndpointProvider = new RegionalEndpointProvider(service.EndpointPrefix, service.FipsEndpoints);
    }

    public override string RegionEndpointServiceName => service.EndpointPrefix;

    public override string ServiceVersion => service.ApiVersion;

    public override string UserAgent => userAgent;

    /// <summary>Resolves the endpoint the way the request pipeline does (used by the signer and by callers).</summary>
    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var requestContext = new RequestContext(false)
        {
            ClientConfig = this,
            OriginalRequest = parameters.Request,
            Request = new DefaultRequest(parameters.Request, service.ServiceId) { AlternateEndpoint = parameters.AlternateEndpoint },
        };
        return Resolver.GetEndpoint(new Amazon.Runtime.Internal.ExecutionContext(requestContext, null));
    }
}
