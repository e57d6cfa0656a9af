using System.Net;
using Nob.LocalCloud.Tests.States;
using Nob.LocalCloud.WebConsole;

namespace Nob.LocalCloud.Tests.WebConsole;

/// <summary>The console's own gate on a real endpoint: the token, the cookie it becomes, and the form field of a start.</summary>
public sealed class ConsoleAuthTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    private LocalCloud Cloud => fixture.Cloud.Cloud;

    [Theory]
    [InlineData("/console/")]
    [InlineData("/console/executions")]
    [InlineData("/console/api/execution?arn=x")]
    [InlineData("/console/assets/console.js")]
    public async Task Get_WithoutTokenOrCookie_401PageSayingNobStatus(string path)
    {
        using var client = new ConsoleClient(Cloud);
        using var response = await client.GetAsync(path, cookie: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var page = ConsoleClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(page.Descendants("code"), c => c.Value.EndsWith("nob status", StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Get_WrongToken_401AndNoCookie()
    {
        using var client = new ConsoleClient(Cloud);
        var wrong = client.Token[..^1] + (client.Token[^1] == 'A' ? 'B' : 'A');

        using var response = await client.GetAsync($"/console/?token={wrong}", cookie: null);
        using var wrongCookie = await client.GetAsync("/console/", $"{ConsoleAccess.CookieName}={wrong}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCookie.StatusCode);
    }

    [Fact]
    public async Task Get_PrintedUrl_SetsStrictHttpOnlyCookieAndRedirectsWithoutToken()
    {
        using var client = new ConsoleClient(Cloud);
        var url = new Uri(Cloud.ConsoleUrl.PathAndQuery, UriKind.Relative);

        using var first = await client.GetAsync(url.ToString(), cookie: null);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/console/", first.Headers.Location!.OriginalString);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        var parts = cookie.Split(';', StringSplitOptions.TrimEntries).ToList();
        Assert.Equal($"{ConsoleAccess.CookieName}={client.Token}", parts[0]);
        Assert.Contains("httponly", parts, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", parts, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("path=/console", parts, StringComparer.OrdinalIgnoreCase);

        using var next = await client.GetAsync("/console/", parts[0]);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal("Networks", ConsoleClient.Parse(await next.Content.ReadAsStringAsync()).Descendants("h1").Single().Value);
    }

    [Fact]
    public void Token_DerivedFromTheSecretKey_SameForTheCliAndTheEndpoint()
    {
        var printed = ConsoleAccess.Url(Cloud.Endpoint.AbsoluteUri, Cloud.Credentials.SecretAccessKey);

        Assert.Equal(Cloud.ConsoleUrl.AbsoluteUri, printed);
        Assert.DoesNotContain(Cloud.Credentials.SecretAccessKey, printed, StringComparison.Ordinal);
        Assert.NotEqual(ConsoleAccess.Derive(Cloud.Credentials.SecretAccessKey), ConsoleAccess.Derive(Cloud.Credentials.SecretAccessKey + "x"));
    }

    [Fact]
    public async Task PostStart_WithCookieButWithoutTheFormField_403AndNothingStarted()
    {
        using var client = new ConsoleClient(Cloud);
        var before = (await fixture.Cloud.OkAsync("ListExecutions", new() { ["stateMachineArn"] = WorkflowCloud.MachineArn("BuildNetworkStateMachine") }))["executions"]!.AsArray().Count;

        using var response = await client.PostAsync("/console/start", client.Cookie, [new("action", "build"), new("spec", ConsolePagesTests.ValidSpec), new(ConsoleAccess.FormField, "0123456789abcdef0123456789abcdef.forged")]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var after = (await fixture.Cloud.OkAsync("ListExecutions", new() { ["stateMachineArn"] = WorkflowCloud.MachineArn("BuildNetworkStateMachine") }))["executions"]!.AsArray().Count;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task AwsRoutes_StillNeedSigV4_WhileTheConsoleIsOpen()
    {
        using var client = new ConsoleClient(Cloud);

        using var admin = await client.GetAsync("/_localcloud/health", client.Cookie);

        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }
}
