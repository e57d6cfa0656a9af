using Nob.Aws.Protocol;

namespace Nob.Aws.Mq;

/// <summary>
/// Client configuration for Amazon MQ. Endpoint selection is the shared one of <see cref="AwsServiceConfig"/>:
/// <see cref="Amazon.Runtime.ClientConfig.ServiceURL"/>, else <c>AWS_ENDPOINT_URL_MQ</c> / <c>AWS_ENDPOINT_URL</c>
/// (and the profile's <c>endpoint_url</c>), else <c>https://mq.{region}.{partition dns suffix}</c>.
/// </summary>
public sealed class AmazonMqConfig() : AwsServiceConfig(Identity)
{
    /// <summary>
    /// Amazon MQ as its botocore model (<c>mq/2017-11-27</c>) names it: service id and signing name <c>mq</c>
    /// (<c>AWS_ENDPOINT_URL_MQ</c> is derived from the id).
    /// </summary>
    public static AwsServiceIdentity Identity { get; } = new(ServiceId: "mq", SigningName: "mq", EndpointPrefix: "mq", ApiVersion: "2017-11-27", UserAgentName: "mq");
}
