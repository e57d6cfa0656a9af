using System.Text.Json.Nodes;
using Nob.Core.Specs;
using Nob.Core.Workflow;

namespace Nob.Core.Tests;

/// <summary>Subnet and security group IDs copied from an example fail at validation, before anything is created.</summary>
public class PlaceholderIdTests
{
    [Theory]
    [InlineData("subnet-0123456789abcdef0")]
    [InlineData("sg-0123456789abcdef0")]
    [InlineData("sg-xxxxxxxx")]
    [InlineData("sg-XXXXXXXXXXXXXXXXX")]
    [InlineData("subnet-00000000")]
    [InlineData("subnet-00000000000000000")]
    [InlineData("sg-12345678")]
    [InlineData("subnet-1a2b3c4d")]
    [InlineData("sg-0abc")]
    [InlineData("subnet-EXAMPLE1")]
    [InlineData("sg-yourgroup")]
    [InlineData("subnet-placeholder")]
    public void IsPlaceholder_ExampleLookingId_IsTrue(string id) => Assert.True(PlaceholderIds.IsPlaceholder(id));

    [Theory]
    [InlineData("subnet-0e4f8c2d91a7b3c65")]
    [InlineData("sg-0a1b2c3d4e5f60789")]
    [InlineData("sg-1c0a0002")]
    [InlineData("subnet-6e7f829e")]
    [InlineData("sg-1")]
    [InlineData("subnet-a")]
    public void IsPlaceholder_AccountLikeOrTestId_IsFalse(string id) => Assert.False(PlaceholderIds.IsPlaceholder(id));

    [Fact]
    public void Validate_SpecWithPlaceholderIds_ThrowsInvalidSpecNamingEachPlaceholderOnly()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["brokerDefaults"]!["subnetIds"] = new JsonArray("subnet-0123456789abcdef0");
        spec["brokers"]![1]!["securityGroups"] = new JsonArray("sg-0f1e2d3c4b5a69788", "sg-xxxxxxxx");

        var e = Assert.Throws<InvalidSpecException>(() => ValidateStep.Run(SpecReader.ReadValid(spec.ToJsonString())));

        Assert.Equal(["brokerDefaults.subnetIds[0]", "brokers[1].securityGroups[1]"], e.Errors.Select(x => x.Path));
        Assert.Contains("\"subnet-0123456789abcdef0\" is a placeholder", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("leave subnetIds out", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("\"sg-xxxxxxxx\" is a placeholder", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("default security group", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sg-0f1e2d3c4b5a69788", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TutorialExample_NamesNoSubnetsOrGroupsSoTheDefaultVpcApplies()
    {
        var spec = Repo.Spec("tutorial");

        Assert.All(spec.Brokers, b =>
        {
            Assert.Empty(b.SubnetIds);
            Assert.Empty(b.SecurityGroups);
            Assert.Equal(DeploymentModes.SingleInstance, b.DeploymentMode);
        });
    }
}
