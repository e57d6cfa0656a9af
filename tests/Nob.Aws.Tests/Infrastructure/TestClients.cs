using System.Runtime.CompilerServices;
using Nob.Aws.Mq;
using Nob.Aws.StepFunctions;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>Process-wide test settings and client construction.</summary>
public static class TestClients
{
    public const string AccessKeyId = "AKIDNOBTESTEXAMPLE";
    public const string Region = "eu-west-1";

    /// <summary>
    /// Credentials come from the SDK's default chain: the environment variables set here, once, before any test.
    /// Instance metadata is disabled so nothing probes the network.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKeyId);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "nob/test/secret/key/EXAMPLEKEY");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        Environment.SetEnvironmentVariable("AWS_REGION", Region);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL", null);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_MQ", null);
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SFN", null);
    }

    /// <summary>A client for <paramref name="server"/>; retries as the SDK's standard mode with <paramref name="maxErrorRetry"/>.</summary>
    public static AmazonMqClient For(CapturingServer server, int maxErrorRetry = 2)
        => new(new AmazonMqConfig { ServiceURL = server.Url, AuthenticationRegion = Region, MaxErrorRetry = maxErrorRetry });

    /// <summary>A Step Functions client for <paramref name="server"/>.</summary>
    public static AmazonStepFunctionsClient StepFunctionsFor(CapturingServer server, int maxErrorRetry = 2)
        => new(new AmazonStepFunctionsConfig { ServiceURL = server.Url, AuthenticationRegion = Region, MaxErrorRetry = maxErrorRetry });
}
