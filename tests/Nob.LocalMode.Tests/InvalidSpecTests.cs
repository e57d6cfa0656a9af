using System.Text;
using System.Text.Json.Nodes;
using Nob.Core.Api;
using Nob.Core.Lifecycle;

namespace Nob.LocalMode.Tests;

/// <summary>An invalid spec with no endpoint running: nothing may be started or written. No JVM is involved.</summary>
public sealed class InvalidSpecTests : IDisposable
{
    readonly string root = Directory.CreateTempSubdirectory("nob-localmode-invalid-").FullName;

    string Home => Path.Combine(root, "home");

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task Up_InvalidSpecWithNoEndpoint_ExitsTwoPrintsEveryErrorAndStartsNothing()
    {
        var spec = Specs.Write(Path.Combine(root, "specs"), "invalid", Specs.Invalid);

        var run = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), "up", spec, "--json");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{spec}: 3 problem(s); nothing was created:", run.Stderr, StringComparison.Ordinal);
        foreach (var path in Specs.InvalidErrorPaths) Assert.Contains(path, run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Specs.PasswordInSpec, run.Stderr + run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout.Trim());
        Assert.False(File.Exists(Path.Combine(Home, "cloud.json")), "an invalid spec wrote cloud.json (started the endpoint)");
        Assert.False(Directory.Exists(Home), $"an invalid spec created NOB_HOME {Home}");
        Assert.Empty(LeftoverProcesses.Referencing(Home));
    }

    /// <summary>Specs that used to validate and then fail after brokers existed: each is refused before anything starts.</summary>
    public static TheoryData<string, string, string> RefusedBeforeAnythingStarts()
    {
        static string Tutorial(Action<JsonObject> edit)
        {
            var spec = JsonNode.Parse(Specs.TwoBrokers("refused", "Refused1", "Refused2"))!.AsObject();
            edit(spec);
            return spec.ToJsonString();
        }
        var hub = Tutorial(s =>
        {
            s["topology"] = new JsonObject { ["type"] = "hub-and-spoke", ["hub"] = "R1" };
            s["brokers"] = new JsonArray([.. Enumerable.Range(1, 3000).Select(i => (JsonNode)new JsonObject { ["name"] = $"R{i}" })]);
        });
        return new()
        {
            { "control character", Tutorial(s => s["connectorOptions"] = new JsonObject { ["destinationFilter"] = "Queue.\u0001>" }), "connectorOptions.destinationFilter: contains the control or non-XML character U+0001" },
            { "negative TTL", Tutorial(s => s["connectorOptions"] = new JsonObject { ["networkTTL"] = -5 }), "connectorOptions.networkTTL: -5 is not allowed; use a whole number from 1 to 41 (hops)" },
            { "tcp:// URI", Tutorial(s => s["connectorOptions"] = new JsonObject { ["localUri"] = "tcp://localhost:61616" }), "connectorOptions.localUri: \"tcp://localhost:61616\" is not allowed; use an ssl:// or nio+ssl:// URI" },
            { "3,000 brokers", hub, "brokers: 3000 brokers; a network has at most 41" },
            { "oversized input", Tutorial(s => s["description"] = new string('x', 70_000)), "$: the spec is at least 70" },
        };
    }

    [Theory]
    [MemberData(nameof(RefusedBeforeAnythingStarts))]
    public async Task PlanAndUp_SpecRefusedByValidation_ExitTwoNamingThePathAndStartNothing(string why, string json, string error)
    {
        var spec = Specs.Write(Path.Combine(root, "specs"), "refused", json);

        foreach (var command in new[] { "plan", "up" })
        {
            var run = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), command, spec);

            Assert.True(run.ExitCode == 2, $"{why}, nob {command}: {run}");
            Assert.Contains(error, run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("\u0001", run.Stderr + run.Stdout, StringComparison.Ordinal);
            Assert.Equal("", run.Stdout.Trim());
        }
        Assert.False(Directory.Exists(Home), $"{why}: an invalid spec created NOB_HOME {Home}");
        Assert.Empty(LeftoverProcesses.Referencing(Home));
    }

    [Fact]
    public async Task Up_SpecThatIsNotJson_ExitsTwoAndStartsNothing()
    {
        var spec = Specs.Write(Path.Combine(root, "specs"), "broken", """{ "networkName": "broken", """);

        var run = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), "up", spec);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("not valid JSON", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Home), $"an invalid spec created NOB_HOME {Home}");
        Assert.Empty(LeftoverProcesses.Referencing(Home));
    }

    [Theory]
    [InlineData("up")]
    [InlineData("drift")]
    [InlineData("down")]
    public async Task Command_SpecFileThatDoesNotExist_ExitsTwoAndStartsNothing(string command)
    {
        var missing = Path.Combine(root, "specs", "missing.json");

        var run = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), command, missing);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{missing}: no such spec file", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Home), $"a missing spec created NOB_HOME {Home}");
    }

    [Fact]
    public async Task ApiPostNetworks_InvalidSpec_Returns400WithTheSameErrorsTheCliPrints()
    {
        var spec = Specs.Write(Path.Combine(root, "specs"), "invalid", Specs.Invalid);
        var cli = await NobProcess.RunAsync(Home, "LocalModeInvalidSpec1", TimeSpan.FromMinutes(1), "up", spec);
        Assert.True(cli.ExitCode == 2, cli.ToString());
        var cliErrors = cli.Stderr.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(3, cliErrors.Count);

        // The API function as API Gateway invokes it (a REST proxy event), with ports that must not be called.
        var executions = new FakeWorkflowExecutions(TimeProvider.System) { Failure = new InvalidOperationException("called the workflow for a bad spec") };
        var records = new FakeNetworkStore();
        var api = new Nob.Functions.ApiFunction(executions, records, new ApiStateMachines(
            "arn:aws:states:us-east-1:123456789012:stateMachine:build", "arn:aws:states:us-east-1:123456789012:stateMachine:teardown",
            "arn:aws:states:us-east-1:123456789012:stateMachine:check-drift"), TimeProvider.System);
        var proxyEvent = new JsonObject { ["httpMethod"] = "POST", ["resource"] = "/networks", ["path"] = "/networks", ["body"] = Specs.Invalid };
        await using var output = await api.HandleAsync(new MemoryStream(Encoding.UTF8.GetBytes(proxyEvent.ToJsonString())));
        var response = JsonNode.Parse(output)!;

        Assert.Equal(400, (int)response["statusCode"]!);
        var body = JsonNode.Parse((string)response["body"]!)!;
        Assert.Equal(cliErrors, body["errors"]!.AsArray().Select(e => ((string)e!).Trim()));
        Assert.DoesNotContain(Specs.PasswordInSpec, (string)response["body"]!, StringComparison.Ordinal);
        // A bad request is refused before anything is read or started.
        Assert.Equal((0, 0, 0), (executions.StartCalls, executions.ListCalls, executions.DescribeCalls));
        Assert.Empty(records.Calls);
    }
}
