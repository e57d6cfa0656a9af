using System.Reflection;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Nob.LocalCloud.Mq;
using Nob.LocalCloud.Ssm;
using Nob.LocalCloud.States;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// The local console under <c>/console/</c>: Networks, Executions, an execution's page and Start, the JSON the execution
/// page polls, a broker instance's console text, and the two assets (one script, one stylesheet, embedded). The
/// dispatcher hands it every <c>/console</c> request before SigV4, since a browser does not sign: its own gate is the
/// token (<see cref="ConsoleAccess"/>); starts are POSTs with the cookie and the form's field.
/// </summary>
internal sealed class ConsoleHandler(ConsoleAccess access, SsmService ssm, MqService mq, LocalWorkflowHost? host, string? examplesFolder, TimeProvider clock, Action<string> log)
{
    public static bool Serves(string path) => path == ConsoleAccess.Prefix || path.StartsWith(ConsoleAccess.Prefix + "/", StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await ServeAsync(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // The path only: the query may hold the token.
            log($"console {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message}");
            context.Response.StatusCode = 500;
            await HtmlAsync(context.Response, ConsoleHtml.Page("Console error", "", [ConsoleHtml.E("p", "The console failed to show this page; see the endpoint's log.")])).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'";
        response.Headers["Referrer-Policy"] = "no-referrer";

        if (request.Query.TryGetValue("token", out var token))
        {
            if (!access.Matches(token.ToString()))
            {
                await UnauthorizedAsync(response).ConfigureAwait(false);
                return;
            }

            // The token moves into the cookie, and out of the address bar and the history.
            access.SetCookie(response);
            var rest = QueryString.Create(request.Query.Where(q => q.Key != "token").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString())));
            response.Redirect(PathOrHome(request.Path.Value) + rest.ToUriComponent());
            return;
        }

        if (!access.HasValidCookie(request))
        {
            await UnauthorizedAsync(response).ConfigureAwait(false);
            return;
        }

        var path = (request.Path.Value ?? "")[ConsoleAccess.Prefix.Length..].Trim('/');
        var arn = request.Query["arn"].ToString();
        switch (request.Method, path)
        {
            case ("GET", "" or "networks"):
                await HtmlAsync(response, new NetworksPage(ssm, mq, host).Render()).ConfigureAwait(false);
                return;
            case ("GET", "assets/console.js"):
                await AssetAsync(response, "console.js", "text/javascript; charset=utf-8").ConfigureAwait(false);
                return;
            case ("GET", "assets/console.css"):
                await AssetAsync(response, "console.css", "text/css; charset=utf-8").ConfigureAwait(false);
                return;
            case ("GET", "broker-console"):
                await BrokerConsoleAsync(context).ConfigureAwait(false);
                return;
        }

        if (host is null)
        {
            response.StatusCode = 404;
            await HtmlAsync(response, ConsoleHtml.Page("No workflow", "", [ConsoleHtml.E("p", "This endpoint hosts no workflow: no executions to show or start.")])).ConfigureAwait(false);
            return;
        }

        var executions = new ExecutionPages(host);
        switch (request.Method, path)
        {
            case ("GET", "executions"):
                await HtmlAsync(response, executions.List()).ConfigureAwait(false);
                return;
            case ("GET", "execution") when executions.Execution(arn) is { } page:
                await HtmlAsync(response, page).ConfigureAwait(false);
                return;
            case ("GET", "api/execution") when executions.Json(arn) is { } json:
                response.ContentType = "application/json; charset=utf-8";
                await response.WriteAsync(json.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
                return;
            case ("GET", "start"):
                await HtmlAsync(response, Start().Render()).ConfigureAwait(false);
                return;
            case ("POST", "start"):
                await StartAsync(context).ConfigureAwait(false);
                return;
        }

        response.StatusCode = path is "execution" or "api/execution" ? 404 : request.Method == "GET" ? 404 : 405;
        await HtmlAsync(response, ConsoleHtml.Page("Not found", "", [ConsoleHtml.E("p", "The console has no such page (or no such execution).")])).ConfigureAwait(false);
    }

    private StartPage Start() => new(host!, ssm, access, examplesFolder, () => [.. new NetworksPage(ssm, mq, host).Records().Select(r => r.NetworkName)], clock);

    private async Task StartAsync(HttpContext context)
    {
        var response = context.Response;
        if (!context.Request.HasFormContentType)
        {
            response.StatusCode = 415;
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (!access.IsFormValue(form[ConsoleAccess.FormField].ToString()))
        {
            response.StatusCode = 403;
            await HtmlAsync(response, ConsoleHtml.Page("Refused", "start", [ConsoleHtml.E("p", "The form was not one this console gave out; open the start page again.")])).ConfigureAwait(false);
            return;
        }

        var page = Start();
        var example = NullIfEmpty(form["example"].ToString());
        var spec = form["spec"].ToString();
        var (executionArn, problems) = page.Start(form["action"].ToString(), spec, example, NullIfEmpty(form["network"].ToString()));
        if (executionArn is not null)
        {
            response.Redirect(ConsoleHtml.ExecutionHref(executionArn));
            return;
        }

        response.StatusCode = 422;
        await HtmlAsync(response, page.Render(problems, spec, example)).ConfigureAwait(false);
    }

    private async Task BrokerConsoleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (int.TryParse(query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture, out var instance) && mq.ConsoleText(query["id"].ToString(), instance) is { } text)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 404;
        await context.Response.WriteAsync("no such broker instance\n", context.RequestAborted).ConfigureAwait(false);
    }

    private static string PathOrHome(string? path) => path is null or ConsoleAccess.Prefix ? ConsoleAccess.Prefix + "/" : path;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static async Task UnauthorizedAsync(HttpResponse response)
    {
        response.StatusCode = 401;
        await HtmlAsync(response, ConsoleHtml.Unauthorized()).ConfigureAwait(false);
    }

    private static Task HtmlAsync(HttpResponse response, XElement page)
    {
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(ConsoleHtml.Render(page));
    }

    private static async Task AssetAsync(HttpResponse response, string name, string contentType)
    {
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Nob.LocalCloud.WebConsole.Assets.{name}")
            ?? throw new InvalidOperationException($"the console asset {name} is not embedded");
        response.ContentType = contentType;
        await stream.CopyToAsync(response.Body).ConfigureAwait(false);
    }
}
