using Nob.Aws.Internal;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Util.Internal;
using Nob.Aws.Mq.Internal;
using Nob.Aws.StepFunctions.Internal;

namespace Nob.Aws.StepFunctions;

/// <summary>
/// Client configuration for AWS Step Functions (API version 2016-11-23, awsJson 1.0, signing name <c>states</c>).
/// Endpoint selection follows the SDK: an explicit <see cref="ClientConfig.ServiceURL"/> wins, then the
/// <c>AWS_ENDPOINT_URL_SFN</c> and <c>AWS_ENDPOINT_URL</c> environment variables (and the profile's
/// <c>endpoint_url</c>), else <c>https://states.{region}.{partition dns suffix}</c>.
/// </summary>
public sealed class AmazonStepFunctionsConfig : ClientConfig
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

    private static readonly string UserAgentString = InternalSDKUtils.BuildUserAgentString("sfn", "nob-1.0");

    private static readonly RegionalEndpointResolver Resolver = new();

    public AmazonStepFunctionsConfig()
        : base(new DefaultConfigurationProvider(MqDefaultConfiguration.All))
    {
        ServiceId = SfnServiceId;
        AuthenticationServiceName = SigningName;
        // Step Functions' rule set names one FIPS endpoint explicitly.
        EndpointProvider = new RegionalEndpointProvider("states", new Dictionary<string, string> { ["us-gov-west-1"] = "https://states.us-gov-west-1.amazonaws.com" });
    }

    public override string RegionEndpointServiceName => "states";

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
            Request = new DefaultRequest(parameters.Request, SfnServiceId) { AlternateEndpoint = parameters.AlternateEndpoint },
        };
        return Resolver.GetEndpoint(new Amazon.Runtime.Internal.ExecutionContext(requestContext, null));
    }
}
