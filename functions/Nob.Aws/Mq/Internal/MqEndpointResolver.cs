using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace Nob.Aws.Mq.Internal;

/// <summary>
/// Pipeline handler that resolves the endpoint through <see cref="ClientConfig.EndpointProvider"/>
/// (replacing the SDK's legacy <see cref="EndpointResolver"/>, as generated clients do).
/// </summary>
internal sealed class MqEndpointResolver : BaseEndpointResolver
{
    protected override EndpointParameters MapEndpointsParameters(IRequestContext requestContext)
    {
        var config = requestContext.ClientConfig;
        var parameters = new MqEndpointParameters
        {
            Region = requestContext.Request.AlternateEndpoint?.SystemName ?? config.RegionEndpoint?.SystemName,
            UseDualStack = config.UseDualstackEndpoint,
            UseFIPS = config.UseFIPSEndpoint,
            Endpoint = config.ServiceURL,
        };

        // With only a ServiceURL the region comes from AuthenticationRegion, else from the URL
        // (which falls back to AWS_REGION / the profile / us-east-1 for hosts such as 127.0.0.1).
        if (config.RegionEndpoint is null && !string.IsNullOrEmpty(config.ServiceURL))
        {
            parameters.Region = !string.IsNullOrEmpty(config.AuthenticationRegion)
                ? config.AuthenticationRegion
                : RegionEndpoint.GetBySystemName(AWSSDKUtils.DetermineRegion(config.ServiceURL)).SystemName;
        }

        if (parameters.Region == "us-east-1-regional")
        {
            parameters.Region = "us-east-1";
        }

        return parameters;
    }
}

/// <summary>Chooses SigV4 for every Amazon MQ operation (the model's <c>signatureVersion</c> is <c>v4</c>).</summary>
internal sealed class MqAuthSchemeHandler : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext)
        => Amazon.Runtime.Credentials.Internal.AuthSchemeOption.DEFAULT_SIGV4;
}

/// <summary>Service metadata for the pipeline (service id used by telemetry / CSM).</summary>
internal sealed class MqServiceMetadata : IServiceMetadata
{
    public string ServiceId => AmazonMqConfig.MqServiceId;

    public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>(0);
}
