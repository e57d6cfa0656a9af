using System.Text.Json;
using System.Text.Json.Nodes;
using Nob.Core.Specs;

namespace Nob.Functions.Tests;

/// <summary>A step input's spec members read through Core's <see cref="SpecMemo"/> (its own tests: Nob.Core.Tests).</summary>
public class StepSpecTests
{
    /// <summary>The tutorial with a description of its own, so no other test's reading of it is shared.</summary>
    static JsonElement UniqueTutorial()
    {
        var spec = JsonNode.Parse(Repo.Example("tutorial"))!;
        spec["description"] = $"{Guid.NewGuid():N}";
        return JsonSerializer.Deserialize<JsonElement>(spec.ToJsonString());
    }

    static JsonElement Element(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    [Fact]
    public void Read_SameSpecTextInTwoSteps_IsTheOneInstanceOfThatText()
    {
        var text = UniqueTutorial().GetRawText();

        // Two steps' inputs: two documents, the same text; and a lifecycle step reading that text from a stored record.
        var first = StepSpec.Read(Element(text));
        var second = StepSpec.Read(Element(text));

        Assert.Same(first, second);
        Assert.Same(first, SpecMemo.ReadValid(text));
    }

    [Fact]
    public void Read_InvalidSpec_FailsByName()
    {
        var e = Assert.Throws<InvalidSpecException>(() => StepSpec.Read(Element("""{"networkName": "not a name"}""")));

        Assert.Contains("networkName", e.Errors.Select(x => x.Path));
    }

    [Fact]
    public void ReadGiven_AbsentOrJsonNull_IsNone()
    {
        Assert.Null(StepSpec.ReadGiven(null));
        Assert.Null(StepSpec.ReadGiven(Element("null")));
    }

    [Fact]
    public void ReadGiven_ValidSpecReadBefore_IsTheSameSpecWithItsText()
    {
        var text = UniqueTutorial().GetRawText();
        var read = StepSpec.Read(Element(text));

        var given = StepSpec.ReadGiven(Element(text));

        Assert.NotNull(given);
        Assert.Same(read, given.Spec);
        Assert.Equal(text, given.Json);
        Assert.Empty(given.Errors);
    }

    [Fact]
    public void ReadGiven_InvalidSpec_KeepsItsErrorsForTheTeardownToDecide()
    {
        var given = StepSpec.ReadGiven(Element("""{"networkName": "tutorial"}"""));

        Assert.NotNull(given);
        Assert.Null(given.Spec);
        Assert.Equal(SpecReader.Read("""{"networkName": "tutorial"}""").Errors, given.Errors);
        Assert.Equal(given.Errors, Assert.Throws<InvalidSpecException>(() => given.Valid).Errors);
    }

    [Fact]
    public void ReadPolling_GivenObject_IsValidatedAsASpecs()
    {
        Assert.Null(StepSpec.ReadPolling(null));
        Assert.Null(StepSpec.ReadPolling(Element("null")));
        Assert.Equal(new PollingSpec(1, 10, ExpectedDeletionSeconds: 1),
            StepSpec.ReadPolling(Element("""{"intervalSeconds": 1, "timeoutMinutes": 10, "expectedDeletionSeconds": 1}""")));
        var e = Assert.Throws<InvalidSpecException>(() => StepSpec.ReadPolling(Element("""{"expectedDeletionSeconds": 0}""")));
        Assert.Equal(["polling.expectedDeletionSeconds"], e.Errors.Select(x => x.Path));
    }
}
