using Nob.Cli.Local;

namespace Nob.Cli.Tests;

/// <summary>The polling local mode runs a spec with: local brokers start in seconds, but a spec that gives up sooner keeps its timeout.</summary>
public sealed class LocalInputTests
{
    static string Spec(string? polling) => $$"""{ "networkName": "n", "brokers": [] {{(polling is null ? "" : $", \"polling\": {polling}")}} }""";

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 9)]
    [InlineData(10, 10)]
    [InlineData(60, 10)]
    public void LocalInput_SpecTimeoutMinutes_KeptWhenShorterThanLocalModes(int given, int expected)
    {
        var input = LocalCommands.LocalInput(Spec($$"""{ "intervalSeconds": 30, "timeoutMinutes": {{given}} }"""));

        Assert.Equal(expected, (int?)input["polling"]?["timeoutMinutes"]);
        Assert.Equal(1, (int?)input["polling"]?["intervalSeconds"]); // the rest is local mode's
        Assert.Equal("n", (string?)input["networkName"]);
    }

    [Fact]
    public void LocalInput_NoPolling_LocalModesTimeout()
    {
        var input = LocalCommands.LocalInput(Spec(null));

        Assert.Equal((int?)LocalCommands.LocalPolling()["timeoutMinutes"], (int?)input["polling"]?["timeoutMinutes"]);
    }
}
