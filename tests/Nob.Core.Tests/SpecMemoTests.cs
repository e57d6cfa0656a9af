using System.Text.Json.Nodes;
using Nob.Core.Specs;

namespace Nob.Core.Tests;

/// <summary>The one place spec JSON becomes a spec for the steps: once per spec text in a warm process (<see cref="SpecMemo"/>).</summary>
public class SpecMemoTests
{
    /// <summary>The tutorial with a description of its own, so no other test's reading of it is shared.</summary>
    internal static string UniqueTutorial()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["description"] = $"{Guid.NewGuid():N}";
        return spec.ToJsonString();
    }

    [Fact]
    public void ReadValid_SameSpecTextTwice_IsParsedOnce()
    {
        var text = UniqueTutorial();

        // Two steps' inputs: two strings, the same text.
        var first = SpecMemo.ReadValid(text);
        var second = SpecMemo.ReadValid(new string(text.AsSpan()));

        Assert.Same(first, second);
        Assert.Equal("tutorial", first.NetworkName);
    }

    [Fact]
    public void ReadValid_OtherSpecText_IsParsedForIt()
    {
        var first = SpecMemo.ReadValid(UniqueTutorial());
        var other = SpecMemo.ReadValid(UniqueTutorial());

        Assert.NotSame(first, other);
    }

    [Fact]
    public void ReadValid_InvalidSpecTwice_FailsByNameEachTimeWithTheSameErrors()
    {
        var spec = JsonNode.Parse(UniqueTutorial())!;
        spec["brokers"]![0]!["name"] = "not a name";
        var text = spec.ToJsonString();

        var first = Assert.Throws<InvalidSpecException>(() => SpecMemo.ReadValid(text));
        var second = Assert.Throws<InvalidSpecException>(() => SpecMemo.ReadValid(text));

        Assert.Equal(SpecReader.Read(text).Errors, first.Errors);
        Assert.Equal(first.Errors, second.Errors);
        Assert.Contains("brokers[0].name", first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValidSpecText_IsTheInstanceReadValidGives()
    {
        var text = UniqueTutorial();

        var read = SpecMemo.Read(text);

        Assert.True(read.IsValid);
        Assert.Same(read.Spec, SpecMemo.ReadValid(text));
        Assert.Same(read.Spec, SpecMemo.Read(text).Spec);
    }

    [Fact]
    public void Read_InvalidSpec_ReturnsItsErrorsEachTime()
    {
        const string text = """{"networkName": "tutorial"}""";

        var first = SpecMemo.Read(text);
        var second = SpecMemo.Read(text);

        Assert.Null(first.Spec);
        Assert.Equal(SpecReader.Read(text).Errors, first.Errors);
        Assert.Equal(first.Errors, second.Errors);
    }
}
