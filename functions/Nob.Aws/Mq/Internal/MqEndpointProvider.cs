using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal.Endpoints.StandardLibrary;

namespace Nob.Aws.Mq.Internal;

/// <summary>Endpoint-rule parameters of the Amazon MQ rule set (botocore <c>mq/2017-11-27/endpoint-rule-set-1.json</c>).</summary>
public sealed class MqEndpointParameters : EndpointParameters
{
    public MqEndpointParameters()
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

    /// <summary>The endpoint override (<c>ServiceURL</c>, <c>AWS_ENDPOINT_URL_MQ</c>, <c>AWS_ENDPOINT_URL</c>).</summary>
    public string? Endpoint
    {
        get => (string?)this["Endpoint"];
        set => this["Endpoint"] = value;
    }
}

/// <summary>
/// Hand translation of Amazon MQ's endpoint rule set, using the SDK's endpoint standard library for partitions:
/// custom endpoint (no FIPS / dual-stack) → that URL; otherwise <c>https://mq[-fips].{Region}.{dnsSuffix|dualStackDnsSuffix}</c>.
/// The rule set sets no auth-scheme properties: signing uses the client's signing name <c>mq</c> and region.
/// </summary>
public sealed class MqEndpointProvider : IEndpointProvider
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
                return new Endpoint($"https://mq-fips.{region}.{partition.dualStackDnsSuffix}");
            }

            throw new AmazonClientException("FIPS and DualStack are enabled, but this partition does not support one or both");
        }

        if (useFips)
        {
            if (partition.supportsFIPS)
            {
                return new Endpoint($"https://mq-fips.{region}.{partition.dnsSuffix}");
            }

            throw new AmazonClientException("FIPS is enabled but this partition does not support FIPS");
        }

        if (useDualStack)
        {
            if (partition.supportsDualStack)
            {
                return new Endpoint($"https://mq.{region}.{partition.dualStackDnsSuffix}");
            }

            throw new AmazonClientException("DualStack is enabled but this partition does not support DualStack");
        }

        return new Endpoint($"https://mq.{region}.{partition.dnsSuffix}");
    }
}
