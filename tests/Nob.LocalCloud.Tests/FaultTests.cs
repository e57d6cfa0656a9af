using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Tests;

/// <summary>Faults on demand: throttling and 500s the SDKs' retries ride out (or surface), brokers that fail to create, slow starts.</summary>
[Collection(CloudCollection.Name)]
public sealed class FaultTests(CloudFixture fixture) : IDisposable
{
    private readonly FaultSettings _original = fixture.Cloud.Faults.Current;

    public void Dispose() => fixture.Cloud.Faults.Set(_original);

    /// <summary>The services whose AWS SDK clients the faults are ridden out by.</summary>
    public static readonly TheoryData<string> SdkServices = new() { "mq", "ssm", "ec2" };

    [Theory]
    [MemberData(nameof(SdkServices))]
    public async Task ThrottleNext2_SdkRetriesRecover(string service)
    {
        await AssertTwoFaultsRiddenOutAsync(service, f => f with { ThrottleNext = 2, Services = [service] }, () => fixture.Cloud.Faults.Throttled);

        Assert.Equal(0, fixture.Cloud.Faults.Current.ThrottleNext);
    }

    [Theory]
    [MemberData(nameof(SdkServices))]
    public async Task ServerErrorNext2_SdkRetriesRecover(string service)
    {
        await AssertTwoFaultsRiddenOutAsync(service, f => f with { ServerErrorNext = 2, Services = [service] }, () => fixture.Cloud.Faults.ServerErrors);
    }

    /// <summary>With <paramref name="fault"/> set, a call that may retry twice succeeds and <paramref name="injected"/> counts two more.</summary>
    private async Task AssertTwoFaultsRiddenOutAsync(string service, Func<FaultSettings, FaultSettings> fault, Func<int> injected)
    {
        var before = injected();
        fixture.Cloud.Faults.Update(fault);

        await CallAsync(service, maxErrorRetry: 2);

        Assert.Equal(before + 2, injected());
    }

    [Fact]
    public async Task ThrottleEverything_SurfacesAs429InEachProtocolsFormat()
    {
        fixture.Cloud.Faults.Update(f => f with { ThrottleShare = 1 });

        var mq = await Assert.ThrowsAsync<MqTooManyRequestsException>(() => CallAsync("mq", maxErrorRetry: 1));
        var ssm = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => CallAsync("ssm", maxErrorRetry: 0));
        var ec2 = await Assert.ThrowsAsync<AmazonEC2Exception>(() => CallAsync("ec2", maxErrorRetry: 0));

        Assert.Equal(HttpStatusCode.TooManyRequests, mq.StatusCode);
        Assert.Equal("TooManyRequestsException", mq.ErrorCode);
        Assert.Equal(("ThrottlingException", HttpStatusCode.TooManyRequests), (ssm.ErrorCode, ssm.StatusCode));
        Assert.Equal(("RequestLimitExceeded", HttpStatusCode.TooManyRequests), (ec2.ErrorCode, ec2.StatusCode));
    }

    [Fact]
    public async Task ServerErrorsEverything_SurfacesAs500()
    {
        fixture.Cloud.Faults.Update(f => f with { ServerErrorShare = 1, Services = ["mq"] });

        var e = await Assert.ThrowsAsync<MqInternalServerErrorException>(() => CallAsync("mq", maxErrorRetry: 1));

        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Fact]
    public async Task ThrottleAShare_Seeded_EveryCallSucceedsThroughRetries()
    {
        var before = fixture.Cloud.Faults.Throttled;
        fixture.Cloud.Faults.Update(f => f with { ThrottleShare = 0.3, ServerErrorShare = 0.1, Seed = 42 });
        using var mq = Clients.Mq(fixture.Cloud, maxErrorRetry: 8);

        for (var i = 0; i < 10; i++)
        {
            await mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = fixture.BrokerAId });
        }

        Assert.True(fixture.Cloud.Faults.Throttled > before, "a 30 % share of 10+ requests throttled none");
    }

    [Fact]
    public async Task FailCreationOf_BrokerEndsInCreationFailed_ThenDeletes()
    {
        var id = (await fixture.Mq.CreateBrokerAsync(Clients.Broker("DoomedDelete", CloudFixture.Password))).BrokerId!;

        var failed = await Clients.WaitForStateAsync(fixture.Mq, id, BrokerStates.CreationFailed, TimeSpan.FromSeconds(30));
        await fixture.Mq.DeleteBrokerAsync(new DeleteBrokerRequest { BrokerId = id });

        Assert.Empty(failed.BrokerInstances);
        await WaitUntilGoneAsync(id);
        Assert.DoesNotContain(await fixture.Mq.ListAllBrokersAsync(), b => b.BrokerId == id);
    }

    [Fact]
    public async Task StartDelay_KeepsBrokerInCreationInProgress()
    {
        fixture.Cloud.Faults.Update(f => f with { StartDelay = TimeSpan.FromSeconds(3) });
        var started = DateTime.UtcNow;
        var id = (await fixture.Mq.CreateBrokerAsync(Clients.Broker("DoomedDelay", CloudFixture.Password))).BrokerId!;

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(BrokerStates.CreationInProgress, (await fixture.Mq.DescribeBrokerAsync(new() { BrokerId = id })).BrokerState);
        var deleteWhileCreating = await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.DeleteBrokerAsync(new() { BrokerId = id }));
        await Clients.WaitForStateAsync(fixture.Mq, id, BrokerStates.CreationFailed, TimeSpan.FromSeconds(30));

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(3));
        Assert.Equal("broker-id", deleteWhileCreating.ErrorAttribute);
    }

    [Fact]
    public async Task RebootDelay_KeepsBrokerInRebootInProgress_ThenRunningOnTheSameEndpoints()
    {
        var (_, b) = await fixture.BothRunningAsync();
        fixture.Cloud.Faults.Update(f => f with { RebootDelay = TimeSpan.FromSeconds(3) });
        var started = DateTime.UtcNow;

        await fixture.Mq.RebootBrokerAsync(new() { BrokerId = fixture.BrokerBId });
        // While rebooting, the broker is offline (its port refuses connections) and says REBOOT_IN_PROGRESS.
        var port = new Uri(b.BrokerInstances[0].Endpoints[0]).Port;
        var sawOffline = false;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(20) && !sawOffline)
        {
            sawOffline = !await Nob.LocalBrokers.FreePorts.IsAcceptingAsync(port);
            await Task.Delay(100);
        }

        var during = await fixture.Mq.DescribeBrokerAsync(new() { BrokerId = fixture.BrokerBId });
        var after = await Clients.WaitForStateAsync(fixture.Mq, fixture.BrokerBId, BrokerStates.Running, CloudFixture.StartPatience);

        Assert.True(sawOffline, "the broker's port kept accepting connections during the reboot");
        Assert.Equal(BrokerStates.RebootInProgress, during.BrokerState);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(3));
        Assert.Equal(b.BrokerInstances[0].Endpoints, after.BrokerInstances[0].Endpoints);
    }

    [Fact]
    public async Task LoseResponseNext_CreateBroker_TheBrokerIsMadeAnd500sThenTheRetryFindsIt()
    {
        var before = fixture.Cloud.Faults.ResponsesLost;
        fixture.Cloud.Faults.Update(f => f with { LoseResponseNext = 1, LoseResponseOf = ["CreateBroker"] });
        using var mq = Clients.Mq(fixture.Cloud, maxErrorRetry: 0);
        var request = Clients.Broker("DoomedLost", CloudFixture.Password, creatorRequestId: "tests-doomed-lost");

        var lost = await Assert.ThrowsAsync<MqInternalServerErrorException>(() => mq.CreateBrokerAsync(request));
        var made = Assert.Single(await mq.ListAllBrokersAsync(), b => b.BrokerName == "DoomedLost");
        // Other operations are answered; the second CreateBroker (the one a retry sends) is too, with the same broker.
        var again = await mq.CreateBrokerAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, lost.StatusCode);
        Assert.Equal(made.BrokerId, again.BrokerId);
        Assert.Equal(before + 1, fixture.Cloud.Faults.ResponsesLost);
        await Clients.WaitForStateAsync(mq, made.BrokerId!, BrokerStates.CreationFailed, TimeSpan.FromSeconds(30));
        await mq.DeleteBrokerAsync(new DeleteBrokerRequest { BrokerId = made.BrokerId! });
    }

    [Fact]
    public async Task LoseResponseNext_RequestThatFails_IsAnsweredAndNotCounted()
    {
        var before = fixture.Cloud.Faults.ResponsesLost;
        fixture.Cloud.Faults.Update(f => f with { LoseResponseNext = 1, LoseResponseOf = ["DescribeBroker"] });
        using var mq = Clients.Mq(fixture.Cloud, maxErrorRetry: 0);

        await Assert.ThrowsAsync<MqNotFoundException>(() => mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = "b-no-such-broker" }));
        Assert.Equal(before, fixture.Cloud.Faults.ResponsesLost);
        await Assert.ThrowsAsync<MqInternalServerErrorException>(() => mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = fixture.BrokerAId }));
        var answered = await mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = fixture.BrokerAId });

        Assert.Equal(fixture.BrokerAId, answered.BrokerId);
        Assert.Equal(before + 1, fixture.Cloud.Faults.ResponsesLost);
    }

    [Fact]
    public async Task ConcurrentEditBeforeUpdateBrokerOf_WritesTheNewestRevisionPlusTheQueueOnceBeforeTheUpdate()
    {
        var (_, b) = await fixture.BothRunningAsync();
        var configurationId = b.Configurations!.Current!.Id!;
        var before = (await fixture.Mq.DescribeConfigurationAsync(new() { ConfigurationId = configurationId })).LatestRevision!.Revision!.Value;
        var newestXml = (await fixture.Mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = configurationId, ConfigurationRevision = before })).Xml!;
        fixture.Cloud.Faults.Update(f => f with { ConcurrentEditBeforeUpdateBrokerOf = [CloudFixture.BrokerB] });

        // The broker keeps running what it runs (UpdateBroker to its current revision), as the fault does not care what is set.
        await fixture.Mq.UpdateBrokerAsync(new() { BrokerId = fixture.BrokerBId, Configuration = b.Configurations.Current });
        var after = (await fixture.Mq.DescribeConfigurationAsync(new() { ConfigurationId = configurationId })).LatestRevision!;
        var edit = (await fixture.Mq.DescribeConfigurationRevisionAsync(new() { ConfigurationId = configurationId, ConfigurationRevision = after.Revision!.Value })).Xml!;
        await fixture.Mq.UpdateBrokerAsync(new() { BrokerId = fixture.BrokerBId, Configuration = b.Configurations.Current });
        var again = (await fixture.Mq.DescribeConfigurationAsync(new() { ConfigurationId = configurationId })).LatestRevision!.Revision;

        Assert.Equal(before + 1, after.Revision);
        Assert.StartsWith("console edit", after.Description, StringComparison.Ordinal);
        var core = Nob.LocalBrokers.AmazonMqRuntimeConfiguration.Core;
        var document = XDocument.Parse(edit);
        Assert.Equal(["localcloud.console-edit"], document.Root!.Elements(core + "destinations").Elements(core + "queue").Select(q => (string?)q.Attribute("physicalName")));
        // Everything else is the newest revision as it was.
        document.Root.Elements(core + "destinations").Remove();
        Assert.True(Nob.Core.Configuration.XmlSemantics.Equivalent(newestXml, document.ToString()), edit);
        Assert.Equal(after.Revision, again); // once
        Assert.Empty(fixture.Cloud.Faults.Current.ConcurrentEditBeforeUpdateBrokerOf);
    }

    [Fact]
    public async Task AdminEndpoint_SetsReadsAndClearsFaults()
    {
        using var http = Clients.Http(fixture.Cloud);

        var put = await http.PutAsJsonAsync("_localcloud/faults", new { throttleNext = 1, services = new[] { "ssm" }, failCreationOf = _original.FailCreationOf });
        put.EnsureSuccessStatusCode();
        var throttled = await Assert.ThrowsAsync<AmazonSimpleSystemsManagementException>(() => CallAsync("ssm", maxErrorRetry: 0));
        await CallAsync("ssm", maxErrorRetry: 0);
        var state = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("_localcloud/faults");
        var bad = await http.PutAsync("_localcloud/faults", new StringContent("""{"throttleShare": 7}"""));

        Assert.Equal("ThrottlingException", throttled.ErrorCode);
        Assert.Equal(0, state.GetProperty("settings").GetProperty("throttleNext").GetInt32());
        Assert.True(state.GetProperty("throttled").GetInt32() >= 1);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private async Task CallAsync(string service, int maxErrorRetry)
    {
        switch (service)
        {
            case "mq":
                using (var mq = Clients.Mq(fixture.Cloud, maxErrorRetry))
                {
                    await mq.ListBrokersAsync(new ListBrokersRequest());
                }

                break;
            case "ssm":
                using (var ssm = Clients.Ssm(fixture.Cloud, maxErrorRetry))
                {
                    await ssm.GetParametersAsync(new GetParametersRequest { Names = ["/nob/faults/none"] });
                }

                break;
            default:
                using (var ec2 = Clients.Ec2(fixture.Cloud, maxErrorRetry))
                {
                    await ec2.DescribeVpcsAsync(new DescribeVpcsRequest());
                }

                break;
        }
    }

    private async Task WaitUntilGoneAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await fixture.Mq.DescribeBrokerAsync(new() { BrokerId = id });
            }
            catch (MqNotFoundException)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"broker {id} still there 30 s after DeleteBroker");
            await Task.Delay(200);
        }
    }
}
