using Nob.Aws.Protocol;

namespace Nob.Aws.Mq;

/// <summary>
/// Client configuration for Amazon MQ (API version 2017-11-27, signing name <c>mq</c>). Endpoint selection is the
/// shared one of <see cref="AwsServiceConfig"/>: <see cref="Amazon.Runtime.ClientConfig.ServiceURL"/>, else
/// <c>AWS_ENDPOINT_URL_MQ</c> / <c>AWS_ENDPOINT_URL</c> (and the profile's <c>endpoint_url</c>), else
/// <c>https://mq.{region}.{partition dns suffix}</c>.
/// </summary>
public sealed class AmazonMqConfig : AwsServiceConfig
{
    /// <summary>The service id of the official model; <c>AWS_ENDPOINT_URL_MQ</c> is derived from it.</summary>
    public const string MqServiceId = "mq";

    /// <summary>The SigV4 signing name.</summary>
    public const string SigningName = "mq";

    /// <summary>The API version (the model's <c>apiVersion</c>).</summary>
    public const string ApiVersion = "2017-11-27";

    private static readonly AwsServiceIdentity Mq = new(MqServiceId, SigningName, EndpointPrefix: "mq", ApiVersion, UserAgentName: "mq");

    public AmazonMqConfig()
        : base(Mq)
    {
    }
}
