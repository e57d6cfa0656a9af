namespace Nob.StepFunctions.Tests;

public class ChoiceTests
{
    const string Input = """
        {"s":"abc","n":5,"f":2.5,"b":true,"nul":null,"t":"2024-05-01T10:00:00Z","t2":"2024-05-01T12:00:00+01:00",
         "other":{"s":"abc","n":7,"b":true,"t":"2024-05-01T09:00:00Z"},"file":"report.csv"}
        """;

    static async Task<bool> Chooses(string rule, string input = Input)
    {
        var output = await Sfn.OutputAsync($$$$"""
            {"StartAt":"C","States":{
              "C":{"Type":"Choice","Choices":[ {{{{rule[..^1]}}}}, "Next":"Yes"} ],"Default":"No"},
              "Yes":{"Type":"Pass","Result":true,"End":true},
              "No":{"Type":"Pass","Result":false,"End":true}}}
            """, input);
        return (bool)output!;
    }

    [Theory]
    [InlineData("""{"Variable":"$.s","StringEquals":"abc"}""", true)]
    [InlineData("""{"Variable":"$.s","StringEquals":"abd"}""", false)]
    [InlineData("""{"Variable":"$.s","StringLessThan":"abd"}""", true)]
    [InlineData("""{"Variable":"$.s","StringGreaterThanEquals":"abc"}""", true)]
    [InlineData("""{"Variable":"$.s","StringEqualsPath":"$.other.s"}""", true)]
    [InlineData("""{"Variable":"$.file","StringMatches":"*.csv"}""", true)]
    [InlineData("""{"Variable":"$.file","StringMatches":"report.*x"}""", false)]
    [InlineData("""{"Variable":"$.n","StringEquals":"5"}""", false)]
    [InlineData("""{"Variable":"$.n","NumericEquals":5}""", true)]
    [InlineData("""{"Variable":"$.n","NumericEquals":5.0}""", true)]
    [InlineData("""{"Variable":"$.f","NumericLessThan":3}""", true)]
    [InlineData("""{"Variable":"$.n","NumericGreaterThan":5}""", false)]
    [InlineData("""{"Variable":"$.n","NumericGreaterThanEquals":5}""", true)]
    [InlineData("""{"Variable":"$.n","NumericLessThanEquals":4}""", false)]
    [InlineData("""{"Variable":"$.n","NumericLessThanPath":"$.other.n"}""", true)]
    [InlineData("""{"Variable":"$.n","NumericGreaterThanPath":"$.other.n"}""", false)]
    [InlineData("""{"Variable":"$.s","NumericEquals":5}""", false)]
    [InlineData("""{"Variable":"$.b","BooleanEquals":true}""", true)]
    [InlineData("""{"Variable":"$.b","BooleanEquals":false}""", false)]
    [InlineData("""{"Variable":"$.b","BooleanEqualsPath":"$.other.b"}""", true)]
    [InlineData("""{"Variable":"$.s","BooleanEquals":true}""", false)]
    [InlineData("""{"Variable":"$.t","TimestampLessThan":"2024-05-01T10:00:01Z"}""", true)]
    [InlineData("""{"Variable":"$.t","TimestampEquals":"2024-05-01T12:00:00+02:00"}""", true)]
    [InlineData("""{"Variable":"$.t2","TimestampGreaterThan":"2024-05-01T10:59:59Z"}""", true)]
    [InlineData("""{"Variable":"$.t","TimestampGreaterThanPath":"$.other.t"}""", true)]
    [InlineData("""{"Variable":"$.missing","IsPresent":false}""", true)]
    [InlineData("""{"Variable":"$.s","IsPresent":true}""", true)]
    [InlineData("""{"Variable":"$.nul","IsNull":true}""", true)]
    [InlineData("""{"Variable":"$.s","IsNull":true}""", false)]
    [InlineData("""{"Variable":"$.f","IsNumeric":true}""", true)]
    [InlineData("""{"Variable":"$.s","IsString":true}""", true)]
    [InlineData("""{"Variable":"$.b","IsBoolean":true}""", true)]
    [InlineData("""{"Variable":"$.t","IsTimestamp":true}""", true)]
    [InlineData("""{"Variable":"$.s","IsTimestamp":true}""", false)]
    [InlineData("""{"Variable":"$$.State.Name","StringEquals":"C"}""", true)]
    [InlineData("""{"And":[{"Variable":"$.n","NumericGreaterThan":1},{"Variable":"$.b","BooleanEquals":true}]}""", true)]
    [InlineData("""{"And":[{"Variable":"$.n","NumericGreaterThan":1},{"Variable":"$.b","BooleanEquals":false}]}""", false)]
    [InlineData("""{"Or":[{"Variable":"$.n","NumericGreaterThan":9},{"Variable":"$.s","StringEquals":"abc"}]}""", true)]
    [InlineData("""{"Not":{"Variable":"$.s","StringEquals":"abc"}}""", false)]
    [InlineData("""{"Not":{"Variable":"$.missing","IsPresent":true}}""", true)]
    public async Task Rule_ChoosesAsTheSpecSays(string rule, bool expected) => Assert.Equal(expected, await Chooses(rule));

    [Fact]
    public async Task FirstMatchingRuleWins_AndChoiceKeepsItsInput()
    {
        var output = await Sfn.OutputAsync("""
            {"StartAt":"C","States":{
              "C":{"Type":"Choice","Choices":[
                 {"Variable":"$.n","NumericGreaterThan":1,"Next":"A"},
                 {"Variable":"$.n","NumericGreaterThan":0,"Next":"B"}],"OutputPath":"$.n"},
              "A":{"Type":"Pass","End":true},
              "B":{"Type":"Fail","Error":"wrong"}}}
            """, """{"n":5}""");
        Assert.Equal("5", Sfn.Json(output));
    }

    [Fact]
    public async Task NoMatchAndNoDefault_FailsWithNoChoiceMatched()
    {
        var result = await Sfn.RunAsync("""
            {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"A"}]},"A":{"Type":"Succeed"}}}
            """, """{"n":2}""");
        Assert.Equal("States.NoChoiceMatched", result.Error);
    }

    [Fact]
    public async Task MissingVariable_FailsWithStatesRuntime()
    {
        var result = await Sfn.RunAsync("""
            {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"A"}],"Default":"A"},"A":{"Type":"Succeed"}}}
            """, "{}");
        Assert.Equal("States.Runtime", result.Error);
        Assert.Contains("Invalid path '$.x'", result.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Variable":"$.n","NumericEquals":"1","Next":"A"}""", "is not a valid value for \"NumericEquals\"")]
    [InlineData("""{"Variable":"$.n","NumericEquals":1,"StringEquals":"1","Next":"A"}""", "exactly one comparison operator")]
    [InlineData("""{"Variable":"$.n","NumericEqual":1,"Next":"A"}""", "unknown field(s) \"NumericEqual\"")]
    [InlineData("""{"Variable":"$.n","NumericEquals":1}""", "needs \"Next\"")]
    [InlineData("""{"Not":{"Variable":"$.n","NumericEquals":1,"Next":"A"},"Next":"A"}""", "only a top-level choice rule has \"Next\"")]
    [InlineData("""{"Condition":"{% $n = 1 %}","Next":"A"}""", "JSONata")]
    public void BadRules_AreRejectedWhenTheDefinitionLoads(string rule, string message)
    {
        var e = Assert.ThrowsAny<StatesDefinitionException>(() => StateMachineDefinition.Parse($$$$"""
            {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{{{{rule}}}}]},"A":{"Type":"Succeed"}}}
            """));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
