using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;

namespace Nob.LocalCloud.Tests;

/// <summary>UpdateUser and CreateTags on the local Amazon MQ, as Amazon MQ answers them (the change waits for a reboot).</summary>
[Collection(CloudCollection.Name)]
public sealed class UserUpdateTests(CloudFixture fixture)
{
    [Fact]
    public async Task UpdateUser_ExistingUser_IsPendingUpdateAndTagsAreAdded()
    {
        var created = await fixture.Mq.CreateBrokerAsync(Clients.Broker("DoomedRotate", CloudFixture.Password));
        var id = created.BrokerId!;

        await fixture.Mq.UpdateUserAsync(new UpdateUserRequest { BrokerId = id, Username = CloudFixture.Username, Password = "rotated-Cloud-Pass-43" });
        await fixture.Mq.CreateTagsAsync(new CreateTagsRequest { ResourceArn = created.BrokerArn!, Tags = new Dictionary<string, string> { ["nob:password-version"] = "2" } });

        var user = await fixture.Mq.DescribeUserAsync(new DescribeUserRequest { BrokerId = id, Username = CloudFixture.Username });
        Assert.Equal("UPDATE", user.Pending?.PendingChange);
        var broker = await fixture.Mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = id });
        Assert.Equal("UPDATE", Assert.Single(broker.Users).PendingChange);
        Assert.Equal("2", broker.Tags["nob:password-version"]);
    }

    [Fact]
    public async Task UpdateUser_UnknownUserOrBadPassword_FailsLikeAmazonMqWithoutEchoingThePassword()
    {
        await fixture.BothRunningAsync();

        await Assert.ThrowsAsync<MqNotFoundException>(() => fixture.Mq.UpdateUserAsync(
            new UpdateUserRequest { BrokerId = fixture.BrokerAId, Username = "nobody", Password = "rotated-Cloud-Pass-43" }));
        var e = await Assert.ThrowsAsync<MqBadRequestException>(() => fixture.Mq.UpdateUserAsync(
            new UpdateUserRequest { BrokerId = fixture.BrokerAId, Username = CloudFixture.Username, Password = "short:pw" }));
        Assert.DoesNotContain("short:pw", e.ToString(), StringComparison.Ordinal);
        var user = await fixture.Mq.DescribeUserAsync(new DescribeUserRequest { BrokerId = fixture.BrokerAId, Username = CloudFixture.Username });
        Assert.Null(user.Pending);
    }
}
