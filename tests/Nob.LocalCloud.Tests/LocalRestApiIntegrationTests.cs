using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nob.LocalCloud.Api;
using Nob.StepFunctions;
using Nob.Testing;

namespace Nob.LocalCloud.Tests;

/// <summary>The API's integration limits, on <see cref="LocalRestApi"/> itself (no HTTP port).</summary>
public class LocalRestApiIntegrationTests
{
    static readonly SamTemplate Template = SamTemplate.Load(ApiCloud.TemplatePath, "us-east-1", "000000000000", "nob");

    /// <summary>A function that never answers.</summary>
    sealed class SilentFunctions : ILambdaFunctions
    {
        public bool Contains(string functionName) => true;

        public Task<LambdaInvocationResult> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken) =>
            new TaskCompletionSource<LambdaInvocationResult>().Task;
    }

    static DefaultHttpContext Request(LocalRestApi api, string method, string resourcePath)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = api.BasePath + resourcePath;
        context.Request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261204/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature="
            + new string('0', 64);
        context.Response.Body = new MemoryStream();
        return context;
    }

    static JsonNode Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonNode.Parse(context.Response.Body)!;
    }

    [Fact]
    public async Task HandleAsync_FunctionSilentPastTheIntegrationTimeout_Is504()
    {
        var clock = ManualClock.AutoAdvancing();
        var api = new LocalRestApi(RestApiDefinition.From(Template, LocalCloud.NetworksApiLogicalId), new SilentFunctions(), "000000000000", clock);
        var context = Request(api, "GET", "/networks/tutorial");

        await api.HandleAsync(context);

        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal("Endpoint request timed out", (string?)Body(context)["message"]);
        Assert.Equal([LocalRestApi.DefaultIntegrationTimeout], clock.Delays);
        Assert.Equal(TimeSpan.FromSeconds(29), LocalRestApi.DefaultIntegrationTimeout);
    }

    [Fact]
    public async Task HandleAsync_NoAuthorizationOnAnIamRoute_Is403MissingAuthenticationToken()
    {
        var functions = new RecordingLambdaFunctions([Template.Functions["ApiFunction"].Arn]);
        var api = new LocalRestApi(RestApiDefinition.From(Template, LocalCloud.NetworksApiLogicalId), functions, "000000000000");
        var context = Request(api, "GET", "/networks/tutorial");
        context.Request.Headers.Authorization = "";

        await api.HandleAsync(context);

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal("Missing Authentication Token", (string?)Body(context)["message"]);
        Assert.Empty(functions.Invocations);
    }

    [Fact]
    public void CheckFunctions_RouteFunctionNotHosted_Throws()
    {
        var api = new LocalRestApi(RestApiDefinition.From(Template, LocalCloud.NetworksApiLogicalId), new RecordingLambdaFunctions([]), "000000000000");

        var error = Assert.Throws<StatesDefinitionException>(api.CheckFunctions);

        Assert.Contains(Template.Functions["ApiFunction"].Arn, error.Message, StringComparison.Ordinal);
    }
}
