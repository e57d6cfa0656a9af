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

    /// <summary>Open, wide or malformed items are refused, a NAT address or a small range allowed, alike by both.</summary>
    [Theory]
    [InlineData("0.0.0.0/0", false)]
    [InlineData("::/0", false)]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("203.0.0.0/16", false)]
    [InlineData("203.0.113.0/23", false)]
    [InlineData("203.0.113.7/33", false)]
    [InlineData("203.0.113.7", false)]
    [InlineData("2001:db8::1/128", false)]
    [InlineData("256.0.113.7/32", false)]
    [InlineData("203.0.113.7/32 ", false)]
    [InlineData("203.0.113.7/32", true)]
    [InlineData("198.51.100.0/24", true)]
    [InlineData("192.0.2.128/25", true)]
    public void VerifierPublicCidrs_Item_IsAllowedOrRefusedAlikeByTheTemplateAndTheStep(string item, bool allowed)
    {
        Assert.True(TemplateAllows(item) == allowed, $"the template {(allowed ? "refuses" : "allows")} {item}");
        Assert.True((VerifierCidrs.Problem(item) is null) == allowed, $"the step {(allowed ? "refuses" : "allows")} {item}");
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
