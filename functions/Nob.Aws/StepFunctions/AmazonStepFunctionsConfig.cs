using Nob.Aws.Protocol;

namespace Nob.Aws.StepFunctions;

/// <summary>
/// Client configuration for AWS Step Functions (API version 2016-11-23, awsJson 1.0, signing name <c>states</c>).
/// Endpoint selection is the shared one of <see cref="AwsServiceConfig"/>: <see cref="Amazon.Runtime.ClientConfig.ServiceURL"/>,
/// else <c>AWS_ENDPOINT_URL_SFN</c> / <c>AWS_ENDPOINT_URL</c> (and the profile's <c>endpoint_url</c>), else
/// <c>https://states.{region}.{partition dns suffix}</c>.
/// </summary>
public sealed class AmazonStepFunctionsConfig : AwsServiceConfig
{
    /// <summary>The service id of the official model; <c>AWS_ENDPOINT_URL_SFN</c> is derived from it.</summary>
    public const string SfnServiceId = "SFN";

    /// <summary>The SigV4 signing name (the model's <c>endpointPrefix</c>; it has no separate <c>signingName</c>).</summary>
    public const string SigningName = "states";

    /// <summary>The API version (the model's <c>apiVersion</c>).</summary>
    public const string ApiVersion = "2016-11-23";

    /// <summary>The model's <c>targetPrefix</c>: requests carry <c>X-Amz-Target: AWSStepFunctions.&lt;Operation&gt;</c>.</summary>
    public const string TargetPrefix = "AWSStepFunctions";

    /// <summary>awsJson 1.0's content type.</summary>
    public const string ContentType = "application/x-amz-json-1.0";

    // Step Functions' rule set names one FIPS endpoint explicitly.
    private static readonly AwsServiceIdentity Sfn = new(
        SfnServiceId,
        SigningName,
        EndpointPrefix: "states",
        ApiVersion,
        UserAgentName: "sfn",
        FipsEndpoints: new Dictionary<string, string> { ["us-gov-west-1"] = "https://states.us-gov-west-1.amazonaws.com" });

    public AmazonStepFunctionsConfig()
        : base(Sfn)
    {
    }
}
