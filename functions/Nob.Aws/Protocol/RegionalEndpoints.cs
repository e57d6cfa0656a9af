using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Endpoints.StandardLibrary;
using Amazon.Util;

namespace Nob.Aws.Protocol;

// The endpoint and auth plumbing our hand-built clients (Amazon MQ, Step Functions) share: both services' endpoint rule
// sets are the standard regional one, differing only in the host prefix (and Step Functions' one FIPS exception).

/// <summary>The four parameters of a standard regional endpoint rule set.</summary>
public sealed class RegionalEndpointParameters : EndpointParameters
{
    public RegionalEndpointParameters()
    {
        UseDualStack = false;
        UseFIPS = false;
    }

    public string? Region
    {
        get => (string?)this["Region"];
        set => this["Region"] = value;
    }

    public bool UseDualStack
    {
        get => (bool?)this["UseDualStack"] ?? false;
        set => this["UseDualStack"] = value;
    }

    public bool UseFIPS
    {
        get => (bool?)this["UseFIPS"] ?? false;
        set => this["UseFIPS"] = value;
    }

    /// <summary>The endpoint override (<c>ServiceURL</c>, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>, <c>AWS_ENDPOINT_URL</c>).</summary>
    public string? Endpoint
    {
        get => (string?)this["Endpoint"];
        set => this["Endpoint"] = value;
    }
}

/// <summary>
/// Hand translation of the standard regional endpoint rule set (botocore <c>&lt;service&gt;/…/endpoint-rule-set-1.json</c>
/// of Amazon MQ and Step Functions), using the SDK's endpoint standard library for partitions: custom endpoint (no FIPS /
/// dual-stack) → that URL; otherwise <c>https://{hostPrefix}[-fips].{Region}.{dnsSuffix|dualStackDnsSuffix}</c>, with the
/// rule set's FIPS exceptions by region. The rule sets set no auth-scheme properties: signing uses the client's signing
/// name and region.
/// </summary>
/// <param name="fipsExceptions">Region → FIPS endpoint where the rule set names one explicitly.</param>
public sealed class RegionalEndpointProvider(string hostPrefix, IReadOnlyDictionary<string, string>? fipsExceptions = null) : IEndpointProvider
{
    public Endpoint ResolveEndpoint(EndpointParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var region = parameters["Region"] as string;
        var useFips = Equals(parameters["UseFIPS"], true);
        var useDualStack = Equals(parameters["UseDualStack"], true);
        var endpoint = parameters["Endpoint"] as string;

        // The rule set's outermost condition is aws.partition(Region): without a region nothing resolves.
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
                return new Endpoint($"https://{hostPrefix}-fips.{region}.{partition.dualStackDnsSuffix}");
            }

            throw new AmazonClientException("FIPS and DualStack are enabled, but this partition does not support one or both");
        }

        if (useFips)
        {
            if (!partition.supportsFIPS)
            {
                throw new AmazonClientException("FIPS is enabled but this partition does not support FIPS");
            }

            return fipsExceptions is not null && fipsExceptions.TryGetValue(region, out var exception)
                ? new Endpoint(exception)
                : new Endpoint($"https://{hostPrefix}-fips.{region}.{partition.dnsSuffix}");
        }

        if (useDualStack)
        {
            if (partition.supportsDualStack)
            {
                return new Endpoint($"https://{hostPrefix}.{region}.{partition.dualStackDnsSuffix}");
            }

            throw new AmazonClientException("DualStack is enabled but this partition does not support DualStack");
        }

        return new Endpoint($"https://{hostPrefix}.{region}.{partition.dnsSuffix}");
    }
}

/// <summary>
/// Pipeline handler that resolves the endpoint through <see cref="ClientConfig.EndpointProvider"/>
/// (replacing the SDK's legacy <see cref="EndpointResolver"/>, as generated clients do).
/// </summary>
internal sealed class RegionalEndpointResolver : BaseEndpointResolver
{
    protected override EndpointParameters MapEndpointsParameters(IRequestContext requestContext)
    {
        var config = requestContext.ClientConfig;
        var parameters = new RegionalEndpointParameters
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

/// <summary>Chooses SigV4 for every operation (the <c>signatureVersion</c> of every model these clients follow is <c>v4</c>).</summary>
internal sealed class SigV4AuthSchemeHandler : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext)
        => Amazon.Runtime.Credentials.Internal.AuthSchemeOption.DEFAULT_SIGV4;
}

/// <summary>Service metadata for the pipeline (service id used by telemetry / CSM).</summary>
internal sealed class ServiceMetadata(string serviceId) : IServiceMetadata
{
    public string ServiceId => serviceId;

    public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>(0);
}
