using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nob.Core.Specs;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Ssm;
using Nob.LocalCloud.States;
using static Nob.LocalCloud.WebConsole.ConsoleHtml;

namespace Nob.LocalCloud.WebConsole;

/// <summary>
/// The start page: build a network from a pasted spec or one of the repository's examples (read by <see cref="SpecReader"/>,
/// its problems shown as <c>nob plan</c> shows them, nothing started), or run a drift check (verify, or verify and repair)
/// or a teardown of a stored network. Executions start through <see cref="LocalWorkflowHost.Start"/>, as StartExecution
/// does, under a name in nob's pattern (network, kind, time) that says the console started it.
/// </summary>
internal sealed class StartPage(LocalWorkflowHost host, SsmService ssm, ConsoleAccess access, string? examplesFolder, Func<IReadOnlyList<string>> networks, TimeProvider clock)
{
    public const string PastedSource = "the pasted spec";

    public IReadOnlyList<string> Examples => examplesFolder is not null && Directory.Exists(examplesFolder)
        ? [.. Directory.EnumerateFiles(examplesFolder, "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
        : [];

    public XElement Render(IReadOnlyList<string>? problems = null, string? spec = null, string? example = null)
    {
        var stored = networks();
        return Page("Start an execution", "start", [
            problems is { Count: > 0 } ? E("pre", A("id", "problems"), A("class", "error"), string.Join("\n", problems)) : null,
            E("form", A("method", "post"), A("action", ConsoleAccess.Prefix + "/start"), A("id", "build-form"),
                Hidden(ConsoleAccess.FormField, access.NewFormValue()),
                E("h2", "Build a network (build-network)"),
                E("p", E("label", A("for", "example"), "An example "),
                    E("select", A("name", "example"), A("id", "example"),
                        E("option", A("value", ""), "(the pasted spec below)"),
                        Examples.Select(x => E("option", A("value", x), x == example ? A("selected", "selected") : null, "examples/" + x)))),
                E("p", E("label", A("for", "spec"), "or paste a spec (it wins when not empty)")),
                E("textarea", A("name", "spec"), A("id", "spec"), A("rows", "14"), A("cols", "90"), A("spellcheck", "false"), spec ?? ""),
                E("p", E("button", A("type", "submit"), A("name", "action"), A("value", "build"), A("id", "start-build"), "Validate and start build-network")),
                E("p", A("class", "note"), "A missing common-user password parameter is generated and stored as a SecureString in this endpoint's SSM.")),
            E("form", A("method", "post"), A("action", ConsoleAccess.Prefix + "/start"), A("id", "network-form"),
                Hidden(ConsoleAccess.FormField, access.NewFormValue()),
                E("h2", "A stored network"),
                stored.Count == 0
                    ? E("p", "No stored networks.")
                    : E("p",
                        E("select", A("name", "network"), A("id", "network"), stored.Select(n => E("option", A("value", n), n))), " ",
                        E("button", A("type", "submit"), A("name", "action"), A("value", "drift-verify"), A("id", "start-drift"), "Drift check (verify)"), " ",
                        E("button", A("type", "submit"), A("name", "action"), A("value", "drift-repair"), A("id", "start-repair"), "Drift check (verify and repair)"), " ",
                        E("button", A("type", "submit"), A("name", "action"), A("value", "teardown"), A("id", "start-teardown"), "Teardown"))),
        ]);
    }

    /// <summary>Starts what the form asks for: the new execution's ARN, or the problems to show (nothing started).</summary>
    public (string? ExecutionArn, IReadOnlyList<string> Problems) Start(string action, string? specText, string? example, string? network)
    {
        try
        {
            return action switch
            {
                "build" => Build(specText, example),
                "drift-verify" or "drift-repair" when Stored(network) is { } name =>
                    (Run(NetworksPage.CheckDrift, name, "drift", new JsonObject { ["networkName"] = name, ["verify"] = true, ["repair"] = action == "drift-repair" }), []),
                "teardown" when Stored(network) is { } name =>
                    (Run("TeardownNetworkStateMachine", name, "down", new JsonObject { ["networkName"] = name, ["spec"] = null }), []),
                _ => (null, [$"Nothing to start: the action \"{action}\" needs a stored network."]),
            };
        }
        catch (ServiceError e)
        {
            return (null, [$"StartExecution refused: {e.Code}: {e.Message}"]);
        }
    }

    private (string?, IReadOnlyList<string>) Build(string? specText, string? example)
    {
        string source, json;
        if (!string.IsNullOrWhiteSpace(specText))
        {
            (source, json) = (PastedSource, specText);
        }
        else if (example is not null && Examples.Contains(example, StringComparer.Ordinal))
        {
            (source, json) = ($"examples/{example}", File.ReadAllText(Path.Combine(examplesFolder!, example)));
        }
        else
        {
            return (null, ["Paste a spec or pick an example."]);
        }

        var read = SpecReader.Read(json);
        if (read.Spec is not { } spec)
        {
            return (null, SpecErrorText.Lines(source, read.Errors));
        }

        EnsurePassword(spec.User.PasswordParameter);
        return (Run(NetworksPage.BuildNetwork, spec.NetworkName, null, json), []);
    }

    private string? Stored(string? network) => network is not null && networks().Contains(network, StringComparer.Ordinal) ? network : null;

    private string Run(string logicalId, string network, string? kind, JsonNode input) => Run(logicalId, network, kind, input.ToJsonString());

    private string Run(string logicalId, string network, string? kind, string input)
    {
        var machine = host.Template.StateMachines[logicalId].Arn;
        var name = $"{network}{(kind is null ? "" : "-" + kind)}-{clock.GetUtcNow():yyyyMMddHHmmss}-console";
        return host.Start(machine, name, input, traceHeader: null).ExecutionArn;
    }

    /// <summary>The common user's password parameter, generated (Amazon MQ's rules: 12+ characters, no , : =) when missing, as <c>nob up</c> does.</summary>
    private void EnsurePassword(string parameter)
    {
        try
        {
            ssm.Handle("GetParameter", new JsonObject { ["Name"] = parameter });
        }
        catch (ServiceError e) when (e.Code == "ParameterNotFound")
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 24);
            ssm.Handle("PutParameter", new JsonObject { ["Name"] = parameter, ["Value"] = password, ["Type"] = "SecureString" });
        }
    }
}
