using System.Text.Json.Nodes;
using Nob.StepFunctions.Paths;

namespace Nob.StepFunctions.Tests;

public class PathTests
{
    static readonly JsonNode Doc = JsonNode.Parse("""
        {"a":{"b":1,"c d":[10,20,30]},"items":[{"x":1,"y":"p"},{"x":2},{"x":3,"y":"q"}],"n":null}
        """)!;

    static string? Eval(string path) => JsonPath.Parse(path).TryEvaluate(Doc, out var v) ? Sfn.Json(v) : null;

    [Theory]
    [InlineData("$", null)]
    [InlineData("$.a.b", "1")]
    [InlineData("$['a']['c d'][1]", "20")]
    [InlineData("$.a['c d'][-1]", "30")]
    [InlineData("$.items[1].x", "2")]
    [InlineData("$.n", "null")]
    public void DefinitePath_SelectsOneValue(string path, string? expected) =>
        Assert.Equal(expected ?? Doc.ToJsonString(), Eval(path));

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.a.b.c")]
    [InlineData("$.items[7]")]
    [InlineData("$.n.x")]
    public void DefinitePath_ToNothing_IsNotFound(string path) => Assert.Null(Eval(path));

    [Theory]
    [InlineData("$.items[*].x", "[1,2,3]")]
    [InlineData("$.items[*].y", "[\"p\",\"q\"]")]
    [InlineData("$..x", "[1,2,3]")]
    [InlineData("$.items[0:2].x", "[1,2]")]
    [InlineData("$.a['c d'][0,2]", "[10,30]")]
    [InlineData("$.a.*", "[1,[10,20,30]]")]
    [InlineData("$.items[*].missing", "[]")]
    public void IndefinitePath_YieldsAnArrayOfMatches(string path, string expected) => Assert.Equal(expected, Eval(path));

    [Fact]
    public void FilterExpressions_AreRejected() => Assert.Throws<NotSupportedException>(() => JsonPath.Parse("$.items[?(@.x > 1)]"));

    [Theory]
    [InlineData("a.b")]
    [InlineData("$.")]
    [InlineData("$[")]
    [InlineData("$['a'")]
    [InlineData("$.a[x]")]
    public void BadSyntax_IsAFormatException(string path) => Assert.Throws<FormatException>(() => JsonPath.Parse(path));

    [Fact]
    public void ContextPath_IsMarked()
    {
        Assert.True(JsonPath.Parse("$$.Execution.Id").IsContext);
        Assert.False(JsonPath.Parse("$.Execution").IsContext);
        Assert.True(JsonPath.Parse("$.a[0].b").IsReference);
        Assert.False(JsonPath.Parse("$.a[*]").IsReference);
    }

    [Fact]
    public void Place_CreatesMissingObjects_AndLeavesTheInputUntouched()
    {
        var input = JsonNode.Parse("""{"keep":1,"a":{"old":true}}""");
        var placed = JsonPath.Parse("$.a.b.c").Place(input, JsonNode.Parse("[1]"));
        Assert.Equal("""{"keep":1,"a":{"old":true,"b":{"c":[1]}}}""", Sfn.Json(placed));
        Assert.Equal("""{"keep":1,"a":{"old":true}}""", Sfn.Json(input));
    }

    [Fact]
    public void Place_OnAScalar_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => JsonPath.Parse("$.a").Place(JsonValue.Create("text"), JsonValue.Create(1)));
        Assert.Throws<InvalidOperationException>(() => JsonPath.Parse("$.a.b").Place(JsonNode.Parse("""{"a":5}"""), JsonValue.Create(1)));
    }
}
