using Nob.Core.Specs;
using Nob.Core.Workflow;
using Nob.Testing;

namespace Nob.Core.Tests;

public class VerifierCidrsTests
{
    static readonly NetworkSpec Tutorial = SpecReader.ReadValid(Repo.Example("tutorial"));

    // Two public brokers: STOMP is opened from the verifier's public CIDRs on each.
    static readonly NetworkPlanResult PublicPlan = new("tutorial",
    [
        new BrokerWork("MyBroker1", "b-1", true, ["sg-1"], ["198.51.100.1"], ["ssl://b-1.mq.example:61617"], ["stomp+ssl://b-1.mq.example:61614"]),
        new BrokerWork("MyBroker2", "b-2", true, ["sg-2"], ["198.51.100.2"], ["ssl://b-2.mq.example:61617"], ["stomp+ssl://b-2.mq.example:61614"]),
    ]);

    [Theory]
    [InlineData("0.0.0.0/0", "opens STOMP to every address")]
    [InlineData("::/0", "opens STOMP to every address")]
    [InlineData("10.0.0.0/8", "is a /8, wider than the verifier's own addresses")]
    [InlineData("2001:db8::/64", "is not an IPv4 CIDR")]
    [InlineData("10.1/32", "is not an IPv4 CIDR")]
    [InlineData("nat-gateway", "is not a CIDR")]
    public async Task OpenIngress_VerifierCidrWiderThanItsAddresses_IsRefusedAndOpensNothing(string cidr, string why)
    {
        var ec2 = new FakeSecurityGroups();
        var step = new OpenIngressStep(ec2);

        var error = await Assert.ThrowsAsync<VerifierCidrNotAllowedException>(() =>
            step.RunAsync(Tutorial, PublicPlan, new VerifierSource("sg-verify", ["203.0.113.7/32", cidr]), CancellationToken.None));

        var problem = Assert.Single(error.Problems);
        Assert.Contains(why, problem, StringComparison.Ordinal);
        Assert.Contains($"\"{cidr}\"", problem, StringComparison.Ordinal);
        Assert.Contains("/24 to /32", problem, StringComparison.Ordinal);
        Assert.Empty(ec2.Rules);
    }

    [Fact]
    public async Task OpenIngress_VerifierNatAddresses_OpensStompFromEachOnEveryPublicBroker()
    {
        var ec2 = new FakeSecurityGroups();

        await new OpenIngressStep(ec2).RunAsync(Tutorial, PublicPlan, new VerifierSource(null, ["203.0.113.7/32", "198.51.100.0/24"]), CancellationToken.None);

        var stomp = ec2.Rules.Where(r => r.Port == DesiredIngress.StompPort).Select(r => (r.SecurityGroupId, r.SourceCidr)).Order().ToList();
        Assert.Equal([("sg-1", "198.51.100.0/24"), ("sg-1", "203.0.113.7/32"), ("sg-2", "198.51.100.0/24"), ("sg-2", "203.0.113.7/32")], stomp);
    }
}
