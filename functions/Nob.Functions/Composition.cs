using Amazon.EC2;
using Amazon.SimpleSystemsManagement;
using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Core.Workflow;

namespace Nob.Functions;

/// <summary>
/// The one composition root: the real adapters, each created on first use so a function builds only the clients its
/// step needs (shorter cold starts), and shared by every invocation of a warm instance. Region, credentials and
/// endpoint overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_MQ, …) come from the SDK's standard chain. Amazon MQ allows
/// about 15 requests/s per account, so its client retries throttling more than the SDK default.
/// </summary>
internal static class Composition
{
    static readonly Lazy<IBrokerService> brokers = new(() => new AmazonMqBrokerService(new AmazonMqClient(new AmazonMqConfig { MaxErrorRetry = 5 })));
    static readonly Lazy<ISecurityGroupService> securityGroups = new(() => new Ec2SecurityGroupService(new AmazonEC2Client()));
    static readonly Lazy<IParameterStore> parameters = new(() => new SsmParameterStore(new AmazonSimpleSystemsManagementClient()));

    public static IBrokerService Brokers => brokers.Value;
    public static ISecurityGroupService SecurityGroups => securityGroups.Value;
    public static IParameterStore Parameters => parameters.Value;
}
