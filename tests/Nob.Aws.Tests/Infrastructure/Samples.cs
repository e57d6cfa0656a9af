using Amazon.Runtime;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>One operation of the client with a request that sets every member the client supports.</summary>
public sealed record OperationCase(string Name, AmazonMqRequest Request, Func<IAmazonMqClient, AmazonMqRequest, Task<AmazonWebServiceResponse>> Call);

public static class Samples
{
    public const string Password = "Sup3r-Secret-Pa55word!";

    /// <summary>Path members with characters that must be URL-encoded.</summary>
    public const string BrokerId = "b-1234 x/y+z";
    public const string ConfigurationId = "c-5678/α";
    public const string Username = "nob user/1";

    public static CreateBrokerRequest CreateBroker(string password = Password) => new()
    {
        BrokerName = "nob-a",
        DeploymentMode = DeploymentModes.SingleInstance,
        EngineType = EngineTypes.ActiveMq,
        EngineVersion = "5.18",
        HostInstanceType = "mq.m5.large",
        PubliclyAccessible = false,
        AutoMinorVersionUpgrade = true,
        Users = [new User { Username = "nob", Password = password, ConsoleAccess = true, Groups = ["admins"] }],
        CreatorRequestId = "nob-req-1",
        SubnetIds = ["subnet-1"],
        SecurityGroups = ["sg-1"],
        Configuration = new ConfigurationId { Id = "c-1", Revision = 2 },
        Tags = new Dictionary<string, string> { ["nob:network"] = "net" },
        Logs = new Logs { Audit = true, General = true },
        MaintenanceWindowStartTime = new WeeklyStartTime { DayOfWeek = "SUNDAY", TimeOfDay = "03:00", TimeZone = "UTC" },
        StorageType = "EBS",
        AuthenticationStrategy = "SIMPLE",
        EncryptionOptions = new EncryptionOptions { KmsKeyId = "alias/nob", UseAwsOwnedKey = false },
    };

    public static CreateUserRequest CreateUser(string password = Password) => new()
    {
        BrokerId = BrokerId,
        Username = Username,
        Password = password,
        ConsoleAccess = false,
        Groups = ["network"],
    };

    public static IReadOnlyList<OperationCase> All { get; } =
    [
        new("CreateBroker", CreateBroker(), async (c, r) => await c.CreateBrokerAsync((CreateBrokerRequest)r)),
        new("DescribeBroker", new DescribeBrokerRequest { BrokerId = BrokerId }, async (c, r) => await c.DescribeBrokerAsync((DescribeBrokerRequest)r)),
        new("ListBrokers", new ListBrokersRequest { MaxResults = 20, NextToken = "token/1=" }, async (c, r) => await c.ListBrokersAsync((ListBrokersRequest)r)),
        new("DeleteBroker", new DeleteBrokerRequest { BrokerId = BrokerId }, async (c, r) => await c.DeleteBrokerAsync((DeleteBrokerRequest)r)),
        new("UpdateBroker", new UpdateBrokerRequest
        {
            BrokerId = BrokerId,
            Configuration = new ConfigurationId { Id = "c-1", Revision = 3 },
            SecurityGroups = ["sg-1", "sg-2"],
            EngineVersion = "5.18",
            HostInstanceType = "mq.m5.large",
            AutoMinorVersionUpgrade = true,
            Logs = new Logs { General = true },
        }, async (c, r) => await c.UpdateBrokerAsync((UpdateBrokerRequest)r)),
        new("RebootBroker", new RebootBrokerRequest { BrokerId = BrokerId }, async (c, r) => await c.RebootBrokerAsync((RebootBrokerRequest)r)),
        new("CreateConfiguration", new CreateConfigurationRequest
        {
            Name = "nob-a-config",
            EngineType = EngineTypes.ActiveMq,
            EngineVersion = "5.18",
            AuthenticationStrategy = "SIMPLE",
            Tags = new Dictionary<string, string> { ["nob:network"] = "net" },
        }, async (c, r) => await c.CreateConfigurationAsync((CreateConfigurationRequest)r)),
        new("DescribeConfiguration", new DescribeConfigurationRequest { ConfigurationId = ConfigurationId }, async (c, r) => await c.DescribeConfigurationAsync((DescribeConfigurationRequest)r)),
        new("ListConfigurationRevisions", new ListConfigurationRevisionsRequest { ConfigurationId = ConfigurationId, MaxResults = 50, NextToken = "rev-token" },
            async (c, r) => await c.ListConfigurationRevisionsAsync((ListConfigurationRevisionsRequest)r)),
        new("DescribeConfigurationRevision", new DescribeConfigurationRevisionRequest { ConfigurationId = ConfigurationId, ConfigurationRevision = 4 },
            async (c, r) => await c.DescribeConfigurationRevisionAsync((DescribeConfigurationRevisionRequest)r)),
        new("UpdateConfiguration", new UpdateConfigurationRequest { ConfigurationId = ConfigurationId, Xml = BotocoreModel.SampleXml, Description = "nob: network connectors" },
            async (c, r) => await c.UpdateConfigurationAsync((UpdateConfigurationRequest)r)),
        new("ListUsers", new ListUsersRequest { BrokerId = BrokerId, MaxResults = 10, NextToken = "user-token" }, async (c, r) => await c.ListUsersAsync((ListUsersRequest)r)),
        new("CreateUser", CreateUser(), async (c, r) => await c.CreateUserAsync((CreateUserRequest)r)),
        new("UpdateUser", new UpdateUserRequest { BrokerId = BrokerId, Username = Username, Password = Password, ConsoleAccess = false, Groups = ["network"] },
            async (c, r) => await c.UpdateUserAsync((UpdateUserRequest)r)),
        new("CreateTags", new CreateTagsRequest { ResourceArn = "arn:aws:mq:eu-west-1:111122223333:broker:nob-a:b-1234", Tags = new Dictionary<string, string> { ["nob:password-version"] = "3" } },
            async (c, r) => await c.CreateTagsAsync((CreateTagsRequest)r)),
        new("DescribeUser", new DescribeUserRequest { BrokerId = BrokerId, Username = Username }, async (c, r) => await c.DescribeUserAsync((DescribeUserRequest)r)),
    ];

    public static OperationCase Get(string name) => All.Single(c => c.Name == name);
}
