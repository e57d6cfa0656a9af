using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using Nob.Aws;
using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Core.Verification;
using Nob.Core.Workflow;
using Nob.Stomp;

namespace Nob.Functions;

/// <summary>
/// The one composition root: the real adapters, each created on first use so a function builds only the clients its
/// step needs (shorter cold starts), and shared by every invocation of a warm instance. Region, credentials and
/// endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_MQ, …) come from the SDK's standard chain. Every client
/// retries as <see cref="NobClientDefaults"/> says (standard mode: throttling, 5xx and connection faults, six attempts).
/// </summary>
internal static partial class Composition
{
    static readonly Lazy<IBrokerService> brokers = new(() => new AmazonMqBrokerService(new AmazonMqClient(NobClientDefaults.Apply(new AmazonMqConfig()))));
    static readonly Lazy<ISecurityGroupService> securityGroups = new(() => new Ec2SecurityGroupService(new AmazonEC2Client(NobClientDefaults.Apply(new AmazonEC2Config()))));
    static readonly Lazy<IParameterStore> parameters = new(() => new SsmParameterStore(new AmazonSimpleSystemsManagementClient(NobClientDefaults.Apply(new AmazonSimpleSystemsManagementConfig()))));

    // On AWS the brokers' STOMP certificates chain to public roots; local mode names its own CA's PEM file.
    static readonly Lazy<IMessageProbe> messageProbe = new(() => new StompMessageProbe(new StompProbeOptions
    {
        CertificateValidation = Environment.GetEnvironmentVariable(TrustedCaFileVariable) is { Length: > 0 } pem ? StompTls.TrustOnlyPemFile(pem) : null,
    }));

    /// <summary>A PEM file of the only CA the verifier trusts (local mode); unset on AWS, where system trust applies.</summary>
    public const string TrustedCaFileVariable = "NOB_TRUSTED_CA_FILE";

    /// <summary>The security group the verify function runs in; the ingress step opens STOMP (61614) from it.</summary>
    public const string VerifierSecurityGroupVariable = "NOB_VERIFIER_SECURITY_GROUP";

    public static IBrokerService Brokers => brokers.Value;
    public static IMessageProbe MessageProbe => messageProbe.Value;
    /// <summary>Comma-separated public CIDRs (NAT gateway IPs as /32) the verifier reaches public brokers from.</summary>
    public const string VerifierPublicCidrsVariable = "NOB_VERIFIER_PUBLIC_CIDRS";

    public static VerifierSource? Verifier
    {
        get
        {
            var group = Environment.GetEnvironmentVariable(VerifierSecurityGroupVariable) is { Length: > 0 } g ? g : null;
            var cidrs = (Environment.GetEnvironmentVariable(VerifierPublicCidrsVariable) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return group is null && cidrs.Length == 0 ? null : new VerifierSource(group, cidrs);
        }
    }
    public static ISecurityGroupService SecurityGroups => securityGroups.Value;
    public static IParameterStore Parameters => parameters.Value;
}
