using Nob.Aws.Protocol;

namespace Nob.Aws.StepFunctions;

/// <summary>
/// Client configuration for AWS Step Functions (awsJson 1.0). Endpoint selection is the shared one of
/// <see cref="AwsServiceConfig"/>: <see cref="Amazon.Runtime.ClientConfig.ServiceURL"/>, else <c>AWS_ENDPOINT_URL_SFN</c> /
/// <c>AWS_ENDPOINT_URL</c> (and the profile's <c>endpoint_url</c>), else <c>https://states.{region}.{partition dns suffix}</c>.
/// </summary>
public sealed class AmazonStepFunctionsConfig() : AwsServiceConfig(Identity)
{
    /// <summary>The model's <c>targetPrefix</c>: requests carry <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>.</summary>
    public const string TargetPrefix = "AWSStepFunctions";

    /// <summary>awsJson 1.0's content type.</summary>
    public const string ContentType = "application/x-amz-json-1.0";

    /// <summary>
    /// Step Functions as its botocore model (<c>stepfunctions/2016-11-23</c>) names it: service id <c>SFN</c>
    /// (<c>AWS_ENDPOINT_URL_SFN</c> is derived from it), signing name <c>states</c> (the model's <c>endpointPrefix</c>; it
    /// has no separate <c>signingName</c>), and the one FIPS endpoint its rule set names explicitly.
    /// </summary>
    public static AwsServiceIdentity Identity { get; } = new(
        ServiceId: "SFN",
        SigningName: "states",
        EndpointPrefix: "states",
        ApiVersion: "2016-11-23",
        UserAgentName: "sfn",
        FipsEndpoints: new Dictionary<string, string> { ["us-gov-west-1"] = "https://states.us-gov-west-1.amazonaws.com" });
}
