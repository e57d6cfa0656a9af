using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using Nob.Aws.StepFunctions;
using Nob.Aws.Tests.Infrastructure;
using Nob.Core.Api;
using Nob.Core.Lifecycle;
using Nob.Core.Workflow;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.Aws.Tests;

/// <summary>
/// Our Amazon MQ and Step Functions clients and the EC2 / SSM adapters against moto's server mode: an implementation of
/// those APIs that nobody here wrote, beside the botocore-model contract tests (<see cref="ModelContractTests"/>,
/// <see cref="StepFunctionsContractTests"/>). The tests drive the adapters behind Core's ports, as the functions do.
///
/// Where moto and the botocore model (or the service's documented behaviour) disagree, the model wins: the client is not
/// bent to moto, and a test asserts only what is right per the model. What moto 5.2 does differently:
/// - Amazon MQ: a new broker is RUNNING at once (the service: CREATION_IN_PROGRESS for minutes); RebootBroker leaves it
///   RUNNING (the service: REBOOT_IN_PROGRESS); UpdateBroker applies a configuration at once as current (the service:
///   pending until the next reboot); UpdateUser records no pendingChange and ignores the password; CreateBroker with a
///   name in use and CreateUser with a username in use succeed (the service: 409 ConflictException); creatorRequestId is
///   ignored; ListBrokers does not page (maxResults and nextToken are ignored); UpdateConfiguration neither validates nor
///   sanitizes the XML, so it never returns warnings; DeleteBroker removes the broker at once (the service:
///   DELETION_IN_PROGRESS first).
/// - Amazon MQ operations moto lacks: ListConfigurationRevisions (GET /v1/configurations/{id}/revisions has no route).
///   DescribeConfigurationRevision of an unknown revision or configuration answers HTTP 500 (a KeyError) where the model
///   has 404 NotFoundException.
/// - Amazon MQ wire format: a configuration's default revision 1 comes back with its <c>data</c> as plain XML, where the
///   model says base64-encoded XML (our client decodes base64, so the test reads only revisions it wrote); UpdateBroker's
///   answer lacks the model's <c>configuration</c> member (moto fills the response from its broker, which has only
///   <c>configurations</c>), so the test checks the other members and reads the configuration with DescribeBroker.
/// - EC2: RevokeSecurityGroupIngress matches a security-group source together with its description, so a revoke without
///   the description answers InvalidPermission.NotFound; the model says a rule's description need not be given to revoke
///   it (<see cref="Ec2SecurityGroupService"/> gives none, as the model allows), so that case is not tested against moto.
/// - SSM: a Standard write over an Advanced parameter is accepted (the service refuses the downgrade with a
///   ValidationException, which <see cref="SsmNetworkStore"/> handles).
/// - Step Functions: executions are not run; they stay RUNNING until stopped.
/// </summary>
public sealed class MotoContractTests(MotoServerFixture moto) : IClassFixture<MotoServerFixture>
{
    static readonly CancellationToken None = CancellationToken.None;

    static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 50)];

    AmazonMqClient MqClient() => new(MotoServerFixture.Credentials, NobClientDefaults.Apply(new AmazonMqConfig { ServiceURL = moto.Url, AuthenticationRegion = MotoServerFixture.Region }));

    AmazonMqBrokerService Mq() => new(MqClient());

    AmazonEC2Client Ec2Client() => new(MotoServerFixture.Credentials, NobClientDefaults.Apply(new AmazonEC2Config { ServiceURL = moto.Url, AuthenticationRegion = MotoServerFixture.Region }));

    AmazonSimpleSystemsManagementClient SsmClient() =>
        new(MotoServerFixture.Credentials, NobClientDefaults.Apply(new AmazonSimpleSystemsManagementConfig { ServiceURL = moto.Url, AuthenticationRegion = MotoServerFixture.Region }));

    AmazonStepFunctionsConfig SfnConfig() => NobClientDefaults.Apply(new AmazonStepFunctionsConfig { ServiceURL = moto.Url, AuthenticationRegion = MotoServerFixture.Region });

    AmazonStepFunctionsClient SfnClient() => new(MotoServerFixture.Credentials, SfnConfig());

    MotoStepFunctionsSetup SfnSetup() => new(MotoServerFixture.Credentials, SfnConfig());

    static BrokerCreation Creation(string name, IReadOnlyList<string>? securityGroups = null) => new(
        name, Guid.NewGuid().ToString(), "5.18", "mq.t3.micro", "SINGLE_INSTANCE", ["subnet-0a1b2c3d"], securityGroups ?? ["sg-0a1b2c3d"], false, "nob",
        new Dictionary<string, string> { ["nob:network"] = "moto" });

    // ---------------------------------------------------------------- Amazon MQ

    [Fact]
    public async Task MqCreateBroker_ThenDescribe_DescribesTheBrokerAsCreated()
    {
        var mq = Mq();
        var name = Unique("create");
        var id = await mq.CreateBrokerAsync(Creation(name, ["sg-0a1b2c3d", "sg-0e0f0a0b"]), new Secret("moto-password-1"), None);

        var broker = await mq.DescribeBrokerAsync(id, None);
        Assert.Equal((id, name, "ACTIVEMQ", "5.18", "SINGLE_INSTANCE", false), (broker.BrokerId, broker.BrokerName, broker.EngineType, broker.EngineVersion, broker.DeploymentMode, broker.PubliclyAccessible));
        Assert.Equal($"arn:aws:mq:{MotoServerFixture.Region}:{MotoServerFixture.AccountId}:broker:{id}", broker.BrokerArn);
        Assert.Contains(broker.BrokerState, new[] { BrokerStates.CreationInProgress, BrokerStates.Running }); // moto: RUNNING at once
        Assert.Equal(["sg-0a1b2c3d", "sg-0e0f0a0b"], broker.SecurityGroups);
        Assert.Equal("moto", broker.Tags["nob:network"]);
        var instance = Assert.Single(broker.Instances);
        Assert.Single(broker.OpenWireEndpoints, e => e.StartsWith("ssl://", StringComparison.Ordinal));
        Assert.Single(broker.StompEndpoints);
        Assert.NotNull(instance.ConsoleUrl);
        // Without a configuration in the request, Amazon MQ makes one and the broker uses its first revision.
        Assert.Equal(1, broker.CurrentConfiguration?.Revision);
        Assert.NotNull(broker.Created);
        Assert.Equal(["nob"], await mq.ListUsernamesAsync(id, None));
    }

    [Fact]
    public async Task MqFindAndListBrokers_AfterCreate_FindTheBrokerByNameAndListIt()
    {
        var mq = Mq();
        var name = Unique("find");
        var id = await mq.CreateBrokerAsync(Creation(name), new Secret("moto-password-1"), None);

        var found = await mq.FindBrokerByNameAsync(name, None);
        Assert.Equal((id, name, "ACTIVEMQ", "SINGLE_INSTANCE"), (found?.BrokerId, found?.BrokerName, found?.EngineType, found?.DeploymentMode));
        Assert.Contains(await mq.ListBrokersAsync(None), b => b.BrokerId == id && b.BrokerName == name);
        Assert.Null(await mq.FindBrokerByNameAsync(Unique("absent"), None));
    }

    [Fact]
    public async Task MqDescribeBroker_UnknownId_ThrowsBrokerMissing()
    {
        var e = await Assert.ThrowsAsync<BrokerMissingException>(() => Mq().DescribeBrokerAsync("b-00000000-0000-0000-0000-000000000000", None));
        Assert.Contains("b-00000000-0000-0000-0000-000000000000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MqConfiguration_CreateUpdateDescribe_RevisionsCountUpAndKeepTheXml()
    {
        using var client = MqClient();
        var mq = new AmazonMqBrokerService(client);
        var created = await client.CreateConfigurationAsync(new CreateConfigurationRequest
        {
            Name = Unique("config"), EngineType = "ACTIVEMQ", EngineVersion = "5.18", Tags = new Dictionary<string, string> { ["nob:network"] = "moto" },
        });
        var configurationId = Assert.IsType<string>(created.Id);
        Assert.Equal(1, created.LatestRevision?.Revision);
        Assert.Equal($"arn:aws:mq:{MotoServerFixture.Region}:{MotoServerFixture.AccountId}:configuration:{configurationId}", created.Arn);
        Assert.Equal(1, await mq.GetLatestConfigurationRevisionAsync(configurationId, None));
        // Revision 1 (the engine's default) is not read as XML here: moto returns its data as plain XML, the model says base64.
        Assert.NotNull((await client.DescribeConfigurationRevisionAsync(new DescribeConfigurationRevisionRequest { ConfigurationId = configurationId, ConfigurationRevision = 1 })).Data);

        const string Xml = """
            <broker xmlns="http://activemq.apache.org/schema/core">
              <networkConnectors>
                <networkConnector name="A_to_B" uri="static:(ssl://b-2.mq.us-east-1.amazonaws.com:61617)" userName="nob" duplex="true"/>
              </networkConnectors>
            </broker>
            """;
        var update = await mq.UpdateConfigurationAsync(configurationId, Xml, "nob: A_to_B", None);
        Assert.Equal(2, update.Revision);
        Assert.Empty(update.Warnings);
        Assert.Equal(2, await mq.GetLatestConfigurationRevisionAsync(configurationId, None));
        Assert.True(XNode.DeepEquals(XDocument.Parse(Xml), XDocument.Parse(await mq.GetConfigurationRevisionXmlAsync(configurationId, 2, None))));

        var described = await client.DescribeConfigurationAsync(new DescribeConfigurationRequest { ConfigurationId = configurationId });
        Assert.Equal(("ACTIVEMQ", "5.18", "moto"), (described.EngineType, described.EngineVersion, described.Tags["nob:network"]));
        var revision = await client.DescribeConfigurationRevisionAsync(new DescribeConfigurationRevisionRequest { ConfigurationId = configurationId, ConfigurationRevision = 2 });
        Assert.Equal((configurationId, "nob: A_to_B"), (revision.ConfigurationId, revision.Description));
    }

    [Fact]
    public async Task MqDescribeConfiguration_UnknownId_ThrowsNotFound()
    {
        using var client = MqClient();
        var e = await Assert.ThrowsAsync<MqNotFoundException>(() => client.DescribeConfigurationAsync(new DescribeConfigurationRequest { ConfigurationId = "c-00000000-0000-0000-0000-000000000000" }));
        Assert.Equal((404, "NotFoundException"), ((int)e.StatusCode, e.ErrorCode));
    }

    [Fact]
    public async Task MqSetConfigurationRevision_ThenReboot_TheBrokerUsesTheRevision()
    {
        using var client = MqClient();
        var mq = new AmazonMqBrokerService(client);
        var id = await mq.CreateBrokerAsync(Creation(Unique("revise")), new Secret("moto-password-1"), None);
        var configurationId = (await mq.DescribeBrokerAsync(id, None)).CurrentConfiguration!.Id;
        var update = await mq.UpdateConfigurationAsync(configurationId, """<broker xmlns="http://activemq.apache.org/schema/core"/>""", "nob: none", None);

        await mq.SetConfigurationRevisionAsync(id, configurationId, update.Revision, None);
        var updated = await mq.DescribeBrokerAsync(id, None);
        // Amazon MQ makes it pending until the reboot; moto applies it at once. Either way it is this revision.
        Assert.Equal(new ConfigurationRef(configurationId, update.Revision), updated.PendingConfiguration ?? updated.CurrentConfiguration);

        await mq.RebootBrokerAsync(id, None);
        var rebooted = await mq.DescribeBrokerAsync(id, None);
        Assert.Contains(rebooted.BrokerState, new[] { BrokerStates.RebootInProgress, BrokerStates.Running }); // moto: stays RUNNING
        Assert.Equal(new ConfigurationRef(configurationId, update.Revision), rebooted.PendingConfiguration ?? rebooted.CurrentConfiguration);
    }

    [Fact]
    public async Task MqUpdateBroker_Response_DescribesTheBroker()
    {
        using var client = MqClient();
        var mq = new AmazonMqBrokerService(client);
        var id = await mq.CreateBrokerAsync(Creation(Unique("update")), new Secret("moto-password-1"), None);
        var configurationId = (await mq.DescribeBrokerAsync(id, None)).CurrentConfiguration!.Id;

        var response = await client.UpdateBrokerAsync(new UpdateBrokerRequest { BrokerId = id, Configuration = new ConfigurationId { Id = configurationId, Revision = 1 } });
        // The model's response also has the configuration, which moto leaves out (see the class note).
        Assert.Equal((id, "5.18", "mq.t3.micro", true), (response.BrokerId, response.EngineVersion, response.HostInstanceType, response.AutoMinorVersionUpgrade));
    }

    [Fact]
    public async Task MqUsers_CreateAndUpdate_ListedByName()
    {
        using var client = MqClient();
        var mq = new AmazonMqBrokerService(client);
        var id = await mq.CreateBrokerAsync(Creation(Unique("users")), new Secret("moto-password-1"), None);

        await mq.CreateUserAsync(id, "bridge", new Secret("moto-password-2"), None);
        Assert.Equal(["bridge", "nob"], (await mq.ListUsernamesAsync(id, None)).Order(StringComparer.Ordinal));
        await mq.UpdateUserPasswordAsync(id, "bridge", new Secret("moto-password-3"), None);
        var user = await client.DescribeUserAsync(new DescribeUserRequest { BrokerId = id, Username = "bridge" });
        Assert.Equal(("bridge", id, false), (user.Username, user.BrokerId, user.ConsoleAccess));

        var e = await Assert.ThrowsAsync<MqNotFoundException>(() => mq.UpdateUserPasswordAsync(id, "nobody", new Secret("moto-password-4"), None));
        Assert.Equal(404, (int)e.StatusCode);
    }

    [Fact]
    public async Task MqTagBroker_AddsToTheCreationTags()
    {
        var mq = Mq();
        var id = await mq.CreateBrokerAsync(Creation(Unique("tags")), new Secret("moto-password-1"), None);
        var arn = (await mq.DescribeBrokerAsync(id, None)).BrokerArn;

        await mq.TagBrokerAsync(arn, new Dictionary<string, string> { ["nob:role"] = "hub", ["nob:network"] = "moto-2" }, None);
        var tags = (await mq.DescribeBrokerAsync(id, None)).Tags;
        Assert.Equal(("hub", "moto-2"), (tags["nob:role"], tags["nob:network"]));
    }

    [Fact]
    public async Task MqDeleteBroker_ThenDescribe_TheBrokerIsGoneOrGoing()
    {
        using var client = MqClient();
        var mq = new AmazonMqBrokerService(client);
        var name = Unique("delete");
        var id = await mq.CreateBrokerAsync(Creation(name), new Secret("moto-password-1"), None);
        var other = await mq.CreateBrokerAsync(Creation(Unique("delete")), new Secret("moto-password-1"), None);

        await mq.DeleteBrokerAsync(id, None);
        try
        {
            Assert.Equal(BrokerStates.DeletionInProgress, (await mq.DescribeBrokerAsync(id, None)).BrokerState);
        }
        catch (BrokerMissingException e)
        {
            Assert.Contains(id, e.Message, StringComparison.Ordinal); // moto deletes at once
        }
        Assert.DoesNotContain(await mq.ListBrokersAsync(None), b => b.BrokerId == id && b.BrokerState != BrokerStates.DeletionInProgress);

        var response = await client.DeleteBrokerAsync(new DeleteBrokerRequest { BrokerId = other });
        Assert.Equal(other, response.BrokerId);
    }

    // ---------------------------------------------------------------- EC2

    async Task<(string Vpc, string Target, string Source)> SecurityGroupsAsync(AmazonEC2Client ec2)
    {
        var vpc = (await ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.42.0.0/16" })).Vpc.VpcId;
        var target = (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = Unique("target"), Description = "nob moto target", VpcId = vpc })).GroupId;
        var source = (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = Unique("source"), Description = "nob moto source", VpcId = vpc })).GroupId;
        return (vpc, target, source);
    }

    [Fact]
    public async Task Ec2GetVpcIds_TwoGroups_MapsEachToItsVpc()
    {
        using var ec2 = Ec2Client();
        var (vpc, target, source) = await SecurityGroupsAsync(ec2);
        var vpcs = await new Ec2SecurityGroupService(ec2).GetVpcIdsAsync([target, source], None);
        Assert.Equal(new Dictionary<string, string> { [target] = vpc, [source] = vpc }, vpcs);
    }

    [Fact]
    public async Task Ec2AuthorizeIngress_CidrAndGroupSources_DescribedWithDescriptionsAndDuplicateRefused()
    {
        using var ec2 = Ec2Client();
        var (_, target, source) = await SecurityGroupsAsync(ec2);
        var groups = new Ec2SecurityGroupService(ec2);
        var fromCidr = new IngressRule(target, 61617, "10.42.1.7/32", null, "nob moto A_to_B");
        var fromGroup = new IngressRule(target, 61617, null, source, "nob moto group");

        Assert.True(await groups.AuthorizeIngressAsync(fromCidr, None));
        Assert.False(await groups.AuthorizeIngressAsync(fromCidr, None)); // InvalidPermission.Duplicate
        Assert.True(await groups.AuthorizeIngressAsync(fromGroup, None));

        var rules = await groups.DescribeIngressAsync([target], None);
        Assert.Contains(new ExistingIngressRule(target, "tcp", 61617, 61617, "10.42.1.7/32", null, "nob moto A_to_B"), rules);
        Assert.Contains(new ExistingIngressRule(target, "tcp", 61617, 61617, null, source, "nob moto group"), rules);
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.True(r.Covers(r.SourceCidr is null ? fromGroup : fromCidr)));
    }

    [Fact]
    public async Task Ec2DescribeIngress_OneGroupMissing_ReturnsTheRulesOfTheOthers()
    {
        using var ec2 = Ec2Client();
        var (_, target, _) = await SecurityGroupsAsync(ec2);
        var groups = new Ec2SecurityGroupService(ec2);
        await groups.AuthorizeIngressAsync(new IngressRule(target, 61614, "10.42.1.8/32", null, "nob moto stomp"), None);

        var rules = await groups.DescribeIngressAsync([target, "sg-0000000000000dead"], None);
        Assert.Equal([new ExistingIngressRule(target, "tcp", 61614, 61614, "10.42.1.8/32", null, "nob moto stomp")], rules);
        Assert.Empty(await groups.DescribeIngressAsync(["sg-0000000000000dead"], None));
    }

    [Fact]
    public async Task Ec2RevokeIngress_CidrRuleThenAgain_TrueThenFalseAndTheOtherRuleKept()
    {
        using var ec2 = Ec2Client();
        var (_, target, source) = await SecurityGroupsAsync(ec2);
        var groups = new Ec2SecurityGroupService(ec2);
        var fromCidr = new IngressRule(target, 61617, "10.42.1.9/32", null, "nob moto revoke");
        var fromGroup = new IngressRule(target, 61617, null, source, "nob moto revoke group");
        await groups.AuthorizeIngressAsync(fromCidr, None);
        await groups.AuthorizeIngressAsync(fromGroup, None);

        // The description is not part of a rule's identity: revoking with another one removes the rule.
        Assert.True(await groups.RevokeIngressAsync(fromCidr with { Description = "other" }, None));
        Assert.False(await groups.RevokeIngressAsync(fromCidr, None)); // InvalidPermission.NotFound
        // Only the rule from the group is left. Revoking it is not tested here: moto matches a group source together with
        // its description, where the model says a rule's description need not be given to revoke it (see the class note).
        Assert.Equal([new ExistingIngressRule(target, "tcp", 61617, 61617, null, source, "nob moto revoke group")], await groups.DescribeIngressAsync([target], None));
    }

    // ---------------------------------------------------------------- SSM

    [Fact]
    public async Task SsmParameterStore_SecureString_ReadDecryptedWithItsVersion()
    {
        using var ssm = SsmClient();
        var name = $"/nob/moto/{Unique("password")}";
        await ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = "first-secret-value", Type = ParameterType.SecureString });
        await ssm.PutParameterAsync(new PutParameterRequest { Name = name, Value = "second-secret-value", Type = ParameterType.SecureString, Overwrite = true });
        var store = new SsmParameterStore(ssm);

        var secret = await store.GetSecureStringWithVersionAsync(name, None);
        Assert.Equal(("second-secret-value", 2L), (secret.Value.Reveal(), secret.Version));
        Assert.Equal("second-secret-value", (await store.GetSecureStringAsync(name, None)).Reveal());
        Assert.Equal(2L, await store.GetVersionAsync(name, None));
    }

    [Fact]
    public async Task SsmParameterStore_MissingOrPlainString_NamedErrors()
    {
        using var ssm = SsmClient();
        var store = new SsmParameterStore(ssm);
        var missing = $"/nob/moto/{Unique("missing")}";
        Assert.Equal(missing, (await Assert.ThrowsAsync<PasswordParameterMissingException>(() => store.GetSecureStringAsync(missing, None))).ParameterName);

        var plain = $"/nob/moto/{Unique("plain")}";
        await ssm.PutParameterAsync(new PutParameterRequest { Name = plain, Value = "not-secret", Type = ParameterType.String });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetSecureStringAsync(plain, None));
        Assert.Contains("SecureString", e.Message, StringComparison.Ordinal);
    }

    static NetworkRecord Record(string network, string spec = "{}") =>
        new(NetworkRecord.CurrentSchemaVersion, network, spec, [new StoredBroker("A", "b-1", true)], ["A_to_B"], DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), "build-1");

    [Fact]
    public async Task SsmNetworkStore_PutGetListDelete_RoundTrips()
    {
        using var ssm = SsmClient();
        var store = new SsmNetworkStore(ssm);
        var network = Unique("net");

        Assert.Null(await store.GetAsync(network, None));
        await store.PutAsync(Record(network), None);
        var stored = await store.GetAsync(network, None);
        Assert.Equal((network, "{}", "b-1", "A_to_B", "build-1"), (stored?.NetworkName, stored?.SpecJson, stored?.Brokers.Single().BrokerId, stored?.Connectors.Single(), stored?.ExecutionName));
        Assert.Contains(network, await store.ListNetworkNamesAsync(None));

        Assert.True(await store.DeleteAsync(network, None));
        Assert.False(await store.DeleteAsync(network, None));
        Assert.Null(await store.GetAsync(network, None));
        Assert.DoesNotContain(network, await store.ListNetworkNamesAsync(None));
    }

    [Fact]
    public async Task SsmNetworkStore_LargeRecordThenSmall_StoredAdvancedThenReadBack()
    {
        using var ssm = SsmClient();
        var store = new SsmNetworkStore(ssm);
        var network = Unique("big");
        var large = $"{{\"pad\":\"{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4000))}\"}}";

        await store.PutAsync(Record(network, large), None);
        var parameter = (await ssm.GetParameterAsync(new GetParameterRequest { Name = NetworkRecord.ParameterName(network) })).Parameter;
        var described = await ssm.DescribeParametersAsync(new DescribeParametersRequest
        {
            ParameterFilters = [new ParameterStringFilter { Key = "Name", Values = [NetworkRecord.ParameterName(network)] }],
        });
        Assert.Equal(ParameterTier.Advanced, Assert.Single(described.Parameters).Tier);
        Assert.Equal(large, NetworkRecordCodec.Decode(parameter.Value).SpecJson);

        // The service refuses a Standard write over an Advanced parameter and the store writes Advanced again; moto accepts it.
        await store.PutAsync(Record(network), None);
        Assert.Equal("{}", (await store.GetAsync(network, None))?.SpecJson);
    }

    [Fact]
    public async Task SsmLockStore_TryCreate_SecondCreateOfAGenerationIsRefused()
    {
        using var ssm = SsmClient();
        var locks = new SsmLockStore(ssm);
        var network = Unique("lock");

        Assert.True(await locks.TryCreateAsync(network, 1, "arn:first", None));
        Assert.False(await locks.TryCreateAsync(network, 1, "arn:second", None)); // Overwrite=false → ParameterAlreadyExists
        Assert.True(await locks.TryCreateAsync(network, 2, "arn:second", None));
        Assert.Equal([new LockGeneration(1, "arn:first"), new LockGeneration(2, "arn:second")], (await locks.ListAsync(network, None)).OrderBy(g => g.Generation));

        await locks.OverwriteAsync(network, 2, "released:arn:second", None);
        await locks.DeleteAsync(network, 1, None);
        await locks.DeleteAsync(network, 1, None); // gone already: fine
        Assert.Equal([new LockGeneration(2, "released:arn:second")], await locks.ListAsync(network, None));
    }

    // ---------------------------------------------------------------- Step Functions

    async Task<string> StateMachineAsync()
    {
        using var setup = SfnSetup();
        return await setup.CreateStateMachineAsync(Unique("nob-moto"), """{"StartAt":"Done","States":{"Done":{"Type":"Pass","End":true}}}""");
    }

    [Fact]
    public async Task SfnStart_SameNameAndInputWhileRunning_JoinsTheExecution()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        var executions = new StepFunctionsExecutions(sfn);

        var started = await executions.StartAsync(stateMachine, "teardown-net", """{"networkName":"net"}""", None);
        Assert.Equal(stateMachine.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":teardown-net", started.ExecutionArn);
        Assert.InRange(started.StartDate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        var again = await executions.StartAsync(stateMachine, "teardown-net", """{"networkName":"net"}""", None);
        Assert.Equal(started.ExecutionArn, again.ExecutionArn);

        var e = await Assert.ThrowsAsync<ExecutionNameTakenException>(() => executions.StartAsync(stateMachine, "teardown-net", """{"networkName":"other"}""", None));
        Assert.Equal("teardown-net", e.ExecutionName);
    }

    [Fact]
    public async Task SfnDescribeExecution_RunningThenStopped_IsRunningFollowsAndTheNameStaysTaken()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        using var setup = SfnSetup();
        var started = await new StepFunctionsExecutions(sfn).StartAsync(stateMachine, "build-net", "{}", None);
        var status = new StepFunctionsExecutionStatus(sfn);

        Assert.True(await status.IsRunningAsync(started.ExecutionArn, None));
        var described = await sfn.DescribeExecutionAsync(new Nob.Aws.StepFunctions.Model.DescribeExecutionRequest { ExecutionArn = started.ExecutionArn });
        Assert.Equal(("build-net", stateMachine, "{}", Nob.Aws.StepFunctions.Model.ExecutionStatuses.Running), (described.Name, described.StateMachineArn, described.Input, described.Status));
        Assert.Null(described.StopDate);

        await setup.StopExecutionAsync(started.ExecutionArn);
        Assert.False(await status.IsRunningAsync(started.ExecutionArn, None));
        var stopped = await sfn.DescribeExecutionAsync(new Nob.Aws.StepFunctions.Model.DescribeExecutionRequest { ExecutionArn = started.ExecutionArn });
        Assert.Equal(Nob.Aws.StepFunctions.Model.ExecutionStatuses.Aborted, stopped.Status);
        Assert.NotNull(stopped.StopDate);
        // A closed execution's name cannot be used again, even with the same input.
        await Assert.ThrowsAsync<ExecutionNameTakenException>(() => new StepFunctionsExecutions(sfn).StartAsync(stateMachine, "build-net", "{}", None));
    }

    [Fact]
    public async Task SfnDescribeAsync_RunningThenStoppedThenUnknown_DetailsThenNull()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        using var setup = SfnSetup();
        var executions = new StepFunctionsExecutions(sfn);
        var started = await executions.StartAsync(stateMachine, "drift-net", """{"networkName":"net"}""", None);

        var running = await executions.DescribeAsync(started.ExecutionArn, None);
        Assert.NotNull(running);
        Assert.Equal(("drift-net", started.ExecutionArn, stateMachine, "RUNNING", """{"networkName":"net"}"""),
            (running.Name, running.ExecutionArn, running.StateMachineArn, running.Status, running.Input));
        Assert.InRange(running.StartDate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Null(running.StopDate);

        await setup.StopExecutionAsync(started.ExecutionArn);
        var stopped = await executions.DescribeAsync(started.ExecutionArn, None);
        Assert.Equal("ABORTED", stopped!.Status);
        Assert.NotNull(stopped.StopDate);

        var unknown = stateMachine.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":never-started";
        Assert.Null(await executions.DescribeAsync(unknown, None));
    }

    [Fact]
    public async Task SfnIsRunning_UnknownExecution_False()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        var unknown = stateMachine.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":never-started";
        Assert.False(await new StepFunctionsExecutionStatus(sfn).IsRunningAsync(unknown, None));
    }

    [Fact]
    public async Task SfnList_PagesOfOne_WalksEveryExecutionNewestFirst()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        var executions = new StepFunctionsExecutions(sfn);
        foreach (var name in new[] { "first", "second", "third" })
        {
            await executions.StartAsync(stateMachine, name, "{}", None);
            await Task.Delay(10); // distinct start dates
        }

        var seen = new List<WorkflowExecution>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await executions.ListAsync(stateMachine, token, 1, None);
            Assert.True(page.Executions.Count <= 1);
            seen.AddRange(page.Executions);
            token = page.NextToken;
        } while (token is not null && ++pages < 10);

        Assert.Equal(["third", "second", "first"], seen.Select(e => e.Name));
        Assert.All(seen, e => Assert.Equal(Nob.Aws.StepFunctions.Model.ExecutionStatuses.Running, e.Status));
        Assert.All(seen, e => Assert.Null(e.StopDate));
    }

    [Fact]
    public async Task SfnListExecutionsPaginated_StatusFilter_OnlyExecutionsInThatStatus()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        using var setup = SfnSetup();
        var executions = new StepFunctionsExecutions(sfn);
        var stopped = await executions.StartAsync(stateMachine, "drift-1", "{}", None);
        await executions.StartAsync(stateMachine, "drift-2", "{}", None);
        await setup.StopExecutionAsync(stopped.ExecutionArn);

        async Task<List<string?>> NamesAsync(string status)
        {
            var names = new List<string?>();
            await foreach (var e in sfn.ListExecutionsPaginatedAsync(stateMachine, status, pageSize: 1, maxPages: 10)) names.Add(e.Name);
            return names;
        }

        Assert.Equal(["drift-2"], await NamesAsync(Nob.Aws.StepFunctions.Model.ExecutionStatuses.Running));
        Assert.Equal(["drift-1"], await NamesAsync(Nob.Aws.StepFunctions.Model.ExecutionStatuses.Aborted));
    }

    // ---------------------------------------------------------------- SSM + Step Functions: the network lock

    [Fact]
    public async Task NetworkLock_HolderRunningThenStopped_RefusedThenTakenOver()
    {
        var stateMachine = await StateMachineAsync();
        using var sfn = SfnClient();
        using var setup = SfnSetup();
        using var ssm = SsmClient();
        var executions = new StepFunctionsExecutions(sfn);
        var first = (await executions.StartAsync(stateMachine, "build-1", "{}", None)).ExecutionArn;
        var second = (await executions.StartAsync(stateMachine, "build-2", "{}", None)).ExecutionArn;
        var networkLock = new NetworkLock(new SsmLockStore(ssm), new StepFunctionsExecutionStatus(sfn));
        var network = Unique("locked");

        Assert.Equal(1, (await networkLock.AcquireAsync(network, first, None)).Generation);
        Assert.Equal(first, (await Assert.ThrowsAsync<NetworkBusyException>(() => networkLock.AcquireAsync(network, second, None))).HolderExecutionArn);

        await setup.StopExecutionAsync(first);
        var taken = await networkLock.AcquireAsync(network, second, None);
        Assert.Equal((2L, first), (taken.Generation, taken.TookOverFrom));
        Assert.Equal(second, await networkLock.HolderAsync(network, None));
        Assert.True(await networkLock.ReleaseAsync(network, second, None));
        Assert.Null(await networkLock.HolderAsync(network, None));
    }
}
