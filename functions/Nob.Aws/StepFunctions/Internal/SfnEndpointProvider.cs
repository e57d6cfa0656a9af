using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Endpoints.StandardLibrary;
using Amazon.Util;
using Nob.Aws.Mq.Internal;

namespace Nob.Aws.StepFunctions.Internal;

/// <summary>
/// Hand translation of Step Functions' endpoint rule set (botocore <c>stepfunctions/2016-11-23/endpoint-rule-set-1.json</c>):
/// custom endpoint (no FIPS / dual-stack) → that URL; otherwise <c>https://states[-fips].{Region}.{dnsSuffix|dualStackDnsSuffix}</c>,
/// with the rule set's one exception (FIPS in us-gov-west-1 is <c>https://states.us-gov-west-1.amazonaws.com</c>).
/// The parameters are the same four as Amazon MQ's, so <see cref="MqEndpointParameters"/> carries them.
/// </summary>
public sealed class SfnEndpointProvider : IEndpointProvider
{
    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var region = parameters["Region"] as string;
        var useFips = Equals(parameters["UseFIPS"], true);
        var useDualStack = Equals(parameters["UseDualStack"], true);
        var endpoint = parameters["Endpoint"] as string;

        if (string.IsNullOrEmpty(region))
        {
            throw new AmazonClientException("Invalid Configuration: Missing Region");
        }

        var partition = Fn.Partition(region)
            ?? throw new AmazonClientException($"Invalid Configuration: no partition for region '{region}'");

        if (!string.IsNullOrEmpty(endpoint))
        {
            if (useFips)
            {
                throw new AmazonClientException("Invalid Configuration: FIPS and custom endpoint are not supported");
            }

            if (useDualStack)
            {
                throw new AmazonClientException("Invalid Configuration: Dualstack and custom endpoint are not supported");
            }

            return new Endpoint(endpoint);
        }

        if (useFips && useDualStack)
        {
            if (partition.supportsFIPS && partition.supportsDualStack)
            {
                return new Endpoint($"https://states-fips.{region}.{partition.dualStackDnsSuffix}");
            }

            throw new AmazonClientException("FIPS and DualStack are enabled, but this partition does not support one or both");
        }

        if (useFips)
        {
            if (!partition.supportsFIPS)
            {
                throw new AmazonClientException("FIPS is enabled but this partition does not support FIPS");
            }

            return region == "us-gov-west-1"
                ? new Endpoint("https://states.us-gov-west-1.amazonaws.com")
                : new Endpoint($"https://states-fips.{region}.{partition.dnsSuffix}");
        }

        if (useDualStack)
        {
            if (partition.supportsDualStack)
            {
                return new Endpoint($"https://states.{region}.{partition.dualStackDnsSuffix}");
            }

            throw new AmazonClientException("DualStack is enabled but this partition does not support DualStack");
        }

        return new Endpoint($"https://states.{region}.{partition.dnsSuffix}");
    }
}

/// <summary>Pipeline handler that resolves the endpoint through <see cref="ClientConfig.EndpointProvider"/> (as generated clients do).</summary>
internal sealed class SfnEndpointResolver : BaseEndpointResolver
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

/// <summary>Chooses SigV4 for every operation (the model's <c>signatureVersion</c> is <c>v4</c>).</summary>
internal sealed class SfnAuthSchemeHandler : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext)
        => Amazon.Runtime.Credentials.Internal.AuthSchemeOption.DEFAULT_SIGV4;
}

/// <summary>Service metadata for the pipeline (service id used by telemetry / CSM).</summary>
internal sealed class SfnServiceMetadata : IServiceMetadata
{
    public string ServiceId => AmazonStepFunctionsConfig.SfnServiceId;

    public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>(0);
}
