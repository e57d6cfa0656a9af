using System.Text.RegularExpressions;
using Nob.Core.Workflow;
using YamlDotNet.RepresentationModel;

namespace Nob.Functions.Tests;

/// <summary>template.yaml's VerifierPublicCidrs refuses what the ingress step refuses, item by item.</summary>
public class VerifierCidrParameterTests
{
    static YamlMappingNode Parameter() => (YamlMappingNode)((YamlMappingNode)Repo.Template()["Parameters"])["VerifierPublicCidrs"];

    // CloudFormation matches AllowedPattern against each item of a CommaDelimitedList.
    static bool TemplateAllows(string item) =>
        Regex.IsMatch(item, ((YamlScalarNode)Parameter()["AllowedPattern"]).Value!.Replace("$", @"\z", StringComparison.Ordinal));

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    [InlineData("10.0.0.0/8")]
    [InlineData("203.0.0.0/16")]
    [InlineData("203.0.113.0/23")]
    [InlineData("203.0.113.7/33")]
    [InlineData("203.0.113.7")]
    [InlineData("2001:db8::1/128")]
    [InlineData("256.0.113.7/32")]
    [InlineData("203.0.113.7/32 ")]
    public void VerifierPublicCidrs_OpenOrWideOrMalformedItem_IsRefusedByTheTemplateAndTheStep(string item)
    {
        Assert.False(TemplateAllows(item), $"the template allows {item}");
        Assert.NotNull(VerifierCidrs.Problem(item));
    }

    [Theory]
    [InlineData("203.0.113.7/32")]
    [InlineData("198.51.100.0/24")]
    [InlineData("192.0.2.128/25")]
    public void VerifierPublicCidrs_NatAddressOrSmallRange_IsAllowedByTheTemplateAndTheStep(string item)
    {
        Assert.True(TemplateAllows(item), $"the template refuses {item}");
        Assert.Null(VerifierCidrs.Problem(item));
    }

    [Fact]
    public void VerifierPublicCidrs_DefaultEmpty_IsAllowed()
    {
        var parameter = Parameter();
        Assert.Equal("CommaDelimitedList", ((YamlScalarNode)parameter["Type"]).Value);
        Assert.Equal("", ((YamlScalarNode)parameter["Default"]).Value);
        Assert.True(TemplateAllows(""));
    }
}
