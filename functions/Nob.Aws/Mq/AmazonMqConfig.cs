using Nob.Aws.Internal;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Util.Internal;
using Nob.Aws.Mq.Internal;

namespace Nob.Aws.Mq;

/// <summary>
/// Client configuration for Amazon MQ (API version 2017-11-27, signing name <c>mq</c>).
/// Endpoint selection follows the SDK: an explicit <see cref="ClientConfig.ServiceURL"/> wins, then the
/// <c>AWS_ENDPOINT_URL_MQ</c> and <c>AWS_ENDPOINT_URL</c> environment variables (and the profile's
/// <c>endpoint_url</c>), else <c>https://mq.{region}.{partition dns suffix}</c>.
/// </summary>
public sealed class AmazonMqConfig : ClientConfig
{
    /// <summary>The service id of the official model; <c>AWS_ENDPOINT_URL_MQ</c> is derived from it.</summary>
    public const string MqServiceId = "mq";

    /// <summary>The SigV4 signing name.</summary>
    public const string SigningName = "mq";

    /// <summary>The API version (the model's <c>apiVersion</c>).</summary>
    public const string ApiVersion = "2017-11-27";

    private static readonly string UserAgentString = InternalSDKUtils.BuildUserAgentString("mq", "nob-1.0");

    private static readonly RegionalEndpointResolver Resolver = new();

    public AmazonMqConfig()
        : base(new DefaultConfigurationProvider(MqDefaultConfiguration.All))
    {
        ServiceId = MqServiceId;
        AuthenticationServiceName = SigningName;
        EndpointProvider = new RegionalEndpointProvider("mq");
    }

    public override string RegionEndpointServiceName => "mq";

    public override string ServiceVersion => ApiVersion;

    public override string UserAgent => UserAgentString;

    /// <summary>Resolves the endpoint the way the request pipeline does (used by the signer and by callers).</summary>
    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var requestContext = new RequestContext(false)
        {
            ClientConfig = this,
            OriginalRequest = parameters.Request,
            Request = new DefaultRequest(parameters.Request, MqServiceId) { AlternateEndpoint = parameters.AlternateEndpoint },
        };
        return Resolver.GetEndpoint(new Amazon.Runtime.Internal.ExecutionContext(requestContext, null));
    }
}
