using System.Text.Json.Nodes;

namespace Nob.StepFunctions.Tests;

public class IntrinsicTests
{
    const string Input = """{"name":"Arnav","n":41,"list":[1,2,2,3],"obj":{"a":1},"json":"{\"foo\":\"bar\"}","csv":"a,b,,c","template":"Hi {}!"}""";

    static async Task<string> Eval(string expression)
    {
        var output = await Sfn.OutputAsync(Sfn.Pass($$$$"""
            "Parameters": { "v.$": {{{{System.Text.Json.JsonSerializer.Serialize(expression)}}}} }
            """), Input);
        return Sfn.Json(output!["v"]);
    }

    [Theory]
    [InlineData("States.Format('Hello, my name is {}.', $.name)", "\"Hello, my name is Arnav.\"")]
    [InlineData("States.Format($.template, $.name)", "\"Hi Arnav!\"")]
    [InlineData("States.Format('{} is {} and {}', $.n, true, null)", "\"41 is true and null\"")]
    [InlineData("States.Format('braces \\{\\} and a quote \\' and {}', 'x')", "\"braces {} and a quote ' and x\"")]
    [InlineData("States.StringToJson($.json)", "{\"foo\":\"bar\"}")]
    [InlineData("States.JsonToString($.obj)", "\"{\\\"a\\\":1}\"")]
    [InlineData("States.Array($.n, 'x', States.Array())", "[41,\"x\",[]]")]
    [InlineData("States.ArrayLength($.list)", "4")]
    [InlineData("States.MathAdd($.n, 1)", "42")]
    [InlineData("States.MathAdd($.n, -50)", "-9")]
    [InlineData("States.ArrayPartition($.list, 3)", "[[1,2,2],[3]]")]
    [InlineData("States.ArrayContains($.list, 3)", "true")]
    [InlineData("States.ArrayContains($.list, 9)", "false")]
    [InlineData("States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]")]
    [InlineData("States.ArrayGetItem($.list, 3)", "3")]
    [InlineData("States.ArrayUnique($.list)", "[1,2,3]")]
    [InlineData("States.Base64Encode('Data to encode')", "\"RGF0YSB0byBlbmNvZGU=\"")]
    [InlineData("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "\"Data to encode\"")]
    [InlineData("States.Hash('input data', 'SHA-1')", "\"aaff4a450a104cd177d28d18d74485e8cae074b7\"")]
    [InlineData("States.JsonMerge($.obj, States.StringToJson($.json), false)", "{\"a\":1,\"foo\":\"bar\"}")]
    [InlineData("States.StringSplit($.csv, ',')", "[\"a\",\"b\",\"c\"]")]
    [InlineData("States.ArrayLength(States.StringSplit(States.Format('{}-{}', 'a', 'b'), '-'))", "2")]
    public async Task Intrinsic_ReturnsTheDocumentedValue(string expression, string expected) => Assert.Equal(expected, await Eval(expression));

    [Fact]
    public async Task Uuid_IsAVersion4Uuid()
    {
        var uuid = JsonNode.Parse(await Eval("States.UUID()"))!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uuid);
    }

    [Fact]
    public async Task MathRandom_StaysInRange_AndASeedRepeats()
    {
        var value = int.Parse(await Eval("States.MathRandom(1, 999)"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(value, 1, 998);
        Assert.Equal(await Eval("States.MathRandom(1, 999, 7)"), await Eval("States.MathRandom(1, 999, 7)"));
    }

    [Theory]
    [InlineData("States.MathAdd($.name, 1)", "argument 1 must be an integer")]
    [InlineData("States.ArrayGetItem($.list, 9)", "index 9 is out of range")]
    [InlineData("States.Format('{} {}', 'one')", "more {}")]
    [InlineData("States.Format('{}', $.obj)", "only strings, numbers, booleans and null")]
    [InlineData("States.StringToJson($.name)", "not a JSON text")]
    [InlineData("States.MathAdd(2147483648, 1)", "between -2147483648 and 2147483647")]
    public async Task BadArguments_FailWithStatesIntrinsicFailure(string expression, string message)
    {
        var result = await Sfn.RunAsync(Sfn.Pass($$$$"""
            "Parameters": { "v.$": {{{{System.Text.Json.JsonSerializer.Serialize(expression)}}}} }
            """), Input);
        Assert.Equal("States.IntrinsicFailure", result.Error);
        Assert.Contains(message, result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntrinsicFailure_IsCatchable()
    {
        var functions = new ScriptedFunctions().On("F", p => p);
        var result = await Sfn.RunAsync("""
            {"StartAt":"T","States":{
              "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                   "Parameters":{"FunctionName":"F","Payload":{"x.$":"States.ArrayGetItem($.list, 5)"}},
                   "Catch":[{"ErrorEquals":["States.IntrinsicFailure"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
              "Caught":{"Type":"Pass","End":true}}}
            """, """{"list":[]}""", functions);
        Assert.True(result.IsSucceeded, result.Explain());
        Assert.Equal("States.IntrinsicFailure", (string?)JsonNode.Parse(result.Output!)!["error"]!["Error"]);
    }

    [Theory]
    [InlineData("States.Foo($.a)", "intrinsic function States.Foo is not supported")]
    [InlineData("States.MathAdd(1)", "States.MathAdd takes 2 argument(s), not 1")]
    [InlineData("States.JsonToString('x')", "must be a path")]
    [InlineData("States.Format('x'", "unclosed '('")]
    public void BadCalls_AreRejectedWhenTheDefinitionLoads(string expression, string message)
    {
        var e = Assert.ThrowsAny<StatesDefinitionException>(() => StateMachineDefinition.Parse(Sfn.Pass($$$$"""
            "Parameters": { "v.$": {{{{System.Text.Json.JsonSerializer.Serialize(expression)}}}} }
            """)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("state 'P'", e.Message, StringComparison.Ordinal);
    }
}
