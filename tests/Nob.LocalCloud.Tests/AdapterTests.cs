using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Core.Workflow;

namespace Nob.LocalCloud.Tests;

/// <summary>The workflow's Amazon MQ adapter, unchanged, against the local endpoint.</summary>
[Collection(CloudCollection.Name)]
public sealed class AdapterTests(CloudFixture fixture)
{
    [Fact]
    public async Task AmazonMqBrokerService_FindDescribe_RealEndpoints()
    {
        await fixture.BothRunningAsync();
        var service = new AmazonMqBrokerService(fixture.Mq);

        var found = await service.FindBrokerByNameAsync(CloudFixture.BrokerB, default);
        var description = await service.DescribeBrokerAsync(found!.BrokerId, default);

        Assert.Equal(fixture.BrokerBId, found.BrokerId);
        Assert.Equal(BrokerStates.Running, found.BrokerState);
        Assert.Equal("ACTIVEMQ", found.EngineType, ignoreCase: true);
        Assert.Matches(@"^ssl://127\.0\.0\.1:\d+$", Assert.Single(description.OpenWireEndpoints));
        Assert.Matches(@"^stomp\+ssl://127\.0\.0\.1:\d+$", Assert.Single(description.StompEndpoints));
        Assert.Equal(["sg-0bbbbbbbbbbbbbbb1"], description.SecurityGroups);
        Assert.Equal("localcloud-tests", description.Tags["nob:network"]);
        // The wait loop times a creation from it (PollPlan): a broker created minutes ago, not "now" and not missing.
        Assert.InRange(description.Created!.Value, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow);
        Assert.Null(await service.FindBrokerByNameAsync("NoSuchBroker", default));
    }

    [Fact]
    public async Task AmazonMqBrokerService_CreateIsIdempotent_RevisionsUsersPending()
    {
        var service = new AmazonMqBrokerService(fixture.Mq);
        var creation = new BrokerCreation("DoomedAdapter", "nob-tests-DoomedAdapter", "5.18", "mq.m5.large", "SINGLE_INSTANCE",
            ["subnet-adapter"], ["sg-0ccccccccccccccc1"], false, CloudFixture.Username, new Dictionary<string, string> { ["nob:network"] = "adapter" });

        var id = await service.CreateBrokerAsync(creation, new Secret(CloudFixture.Password), default);
        var again = await service.CreateBrokerAsync(creation, new Secret(CloudFixture.Password), default);
        Assert.Equal(id, again);

        var described = await service.DescribeBrokerAsync(id, default);
        var configuration = described.CurrentConfiguration!;
        var xml = await service.GetConfigurationRevisionXmlAsync(configuration.Id, configuration.Revision, default);
        var update = await service.UpdateConfigurationAsync(configuration.Id,
            xml.Replace("<plugins>", "<networkConnectors><networkConnector name=\"x\" uri=\"static:(ssl://127.0.0.1:1)\" userName=\"commonUser\" color=\"red\"/></networkConnectors><plugins>", StringComparison.Ordinal),
            "adapter revision", default);
        Assert.Equal(configuration.Revision + 1, update.Revision);
        Assert.Equal(update.Revision, await service.GetLatestConfigurationRevisionAsync(configuration.Id, default));
        Assert.Equal("DISALLOWED_ATTRIBUTE_REMOVED: <networkConnector> @color", Assert.Single(update.Warnings).ToString());

        await service.CreateUserAsync(id, "adapterUser", new Secret("adapter-User-Pass-42"), default);
        Assert.Equal([CloudFixture.Username, "adapterUser"], await service.ListUsernamesAsync(id, default));
        // The workflow would now reboot; this broker failed to create (a fault), so Amazon MQ refuses.
        await Clients.WaitForStateAsync(fixture.Mq, id, "CREATION_FAILED", TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<MqConflictException>(() => service.SetConfigurationRevisionAsync(id, configuration.Id, update.Revision, default));
        await Assert.ThrowsAsync<MqBadRequestException>(() => service.RebootBrokerAsync(id, default));
    }
}
