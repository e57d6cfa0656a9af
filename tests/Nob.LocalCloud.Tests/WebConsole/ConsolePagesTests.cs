using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.SimpleSystemsManagement.Model;
using Nob.Core.Lifecycle;
using Nob.Core.Specs;
using Nob.LocalCloud.Tests.States;
using Nob.LocalCloud.WebConsole;

namespace Nob.LocalCloud.Tests.WebConsole;

/// <summary>The console's pages on a real endpoint hosting the test workflow, read as parsed XHTML.</summary>
public sealed class ConsolePagesTests(StatesFixture fixture) : IClassFixture<StatesFixture>
{
    public const string ValidSpec = """
        { "networkName": "pages", "topology": { "type": "source-sink", "sources": ["A"], "sinks": ["B"] },
          "brokers": [ { "name": "A" }, { "name": "B" } ],
          "brokerDefaults": { "engineVersion": "5.18", "hostInstanceType": "mq.m5.large", "deploymentMode": "SINGLE_INSTANCE", "publiclyAccessible": false },
          "user": { "username": "myCommonUser", "passwordParameter": "/nob/pages/password" },
          "connectorOptions": { "duplex": true } }
        """;

    private const string BadSpec = """{ "networkName": "bad name!", "topology": { "type": "mesh" }, "brokers": [] }""";

    private WorkflowCloud Cloud => fixture.Cloud;

    private static string BuildArn => WorkflowCloud.MachineArn("BuildNetworkStateMachine");

    /// <summary>Posts the start page's build form with <paramref name="fields"/> and the form token the page was served with.</summary>
    private static async Task<HttpResponseMessage> PostBuildFormAsync(ConsoleClient client, KeyValuePair<string, string>[] fields)
    {
        var form = await client.PageAsync("/console/start");
        return await client.PostAsync("/console/start", client.Cookie,
            [new("action", "build"), .. fields, new(ConsoleAccess.FormField, ConsoleClient.FormValue(form, "build-form"))]);
    }

    private async Task<int> BuildCountAsync() =>
        (await Cloud.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = BuildArn }))["executions"]!.AsArray().Count;

    private static IEnumerable<XElement> States(XDocument page) =>
        page.Descendants(StateGraphSvg.Svg + "g").Where(g => ((string?)g.Attribute("class"))?.Split(' ').Contains("state") == true);

    [Fact]
    public async Task Execution_EndedMapRun_GraphHistoryAndOutputAsTheApiGivesThem()
    {
        var input = new JsonObject { ["items"] = new JsonArray(1, 2, 3), ["polling"] = new JsonObject { ["intervalSeconds"] = 30, ["timeoutMinutes"] = 5 } };
        var arn = await Cloud.StartAsync("BuildNetworkStateMachine", input);
        var described = await Cloud.WaitForEndAsync(arn);
        var history = await Cloud.HistoryAsync(arn);
        using var client = new ConsoleClient(Cloud.Cloud);

        var page = await client.PageAsync(ConsoleHtml.ExecutionHref(arn));

        var states = States(page).ToDictionary(g => g.Attribute("data-state")!.Value, g => g.Attribute("class")!.Value.Split(' '));
        Assert.Equal(["Done", "Each", "Echo", "Pause", "Prepare", "Publish"], states.Keys.Order(StringComparer.Ordinal));
        Assert.All(states.Values, classes => Assert.Contains(StateStatus.Succeeded, classes));
        Assert.Equal("iterations: 3 of 3 done", page.Descendants(StateGraphSvg.Svg + "text").Single(t => (string?)t.Attribute("data-iterations") == "Each").Value);
        Assert.Equal("SUCCEEDED", ConsoleClient.ById(page, "status").Value);
        var rows = ConsoleClient.ById(page, "history").Element("tbody")!.Elements("tr").ToList();
        Assert.Equal(history.Select(e => e["type"]!.GetValue<string>()), rows.Select(r => r.Elements("td").ElementAt(2).Value));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(described["output"]!.GetValue<string>()), JsonNode.Parse(ConsoleClient.ById(page, "output").Value)));
        Assert.True(JsonNode.DeepEquals(input, JsonNode.Parse(ConsoleClient.ById(page, "input").Value)));

        using var api = await client.GetAsync($"/console/api/execution?arn={Uri.EscapeDataString(arn)}", client.Cookie);
        var json = JsonNode.Parse(await api.Content.ReadAsStringAsync())!;
        Assert.False(json["running"]!.GetValue<bool>());
        Assert.All(json["states"]!.AsObject(), s => Assert.Equal(StateStatus.Succeeded, s.Value!.GetValue<string>()));
        Assert.Equal(history.Count, json["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task Executions_TwoRuns_ListedUnderTheirMachineNewestFirst()
    {
        var first = await Cloud.StartAsync("BuildNetworkStateMachine", new JsonObject { ["items"] = new JsonArray(), ["polling"] = new JsonObject() }, "pages-first");
        await Cloud.WaitForEndAsync(first);
        var second = await Cloud.StartAsync("BuildNetworkStateMachine", new JsonObject { ["items"] = new JsonArray(), ["polling"] = new JsonObject() }, "pages-second");
        await Cloud.WaitForEndAsync(second);
        using var client = new ConsoleClient(Cloud.Cloud);

        var page = await client.PageAsync("/console/executions");

        var section = page.Descendants("section").Single(s => (string?)s.Attribute("data-machine") == "BuildNetworkStateMachine");
        var names = section.Descendants("tbody").Single().Elements("tr").Select(r => r.Elements("td").First().Value).ToList();
        Assert.True(names.IndexOf("pages-second") < names.IndexOf("pages-first") && names.IndexOf("pages-second") >= 0, string.Join(", ", names));
        Assert.Equal(["BuildNetworkStateMachine", "HoldStateMachine", "ParentStateMachine"], page.Descendants("section").Select(s => s.Attribute("data-machine")!.Value));
    }

    [Fact]
    public async Task Start_BadSpec_NobPlansProblemsAndNothingStarted()
    {
        using var client = new ConsoleClient(Cloud.Cloud);
        var before = await BuildCountAsync();

        using var response = await PostBuildFormAsync(client, [new("spec", BadSpec), new("example", "")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = ConsoleClient.Parse(await response.Content.ReadAsStringAsync());
        var expected = SpecErrorText.Lines(StartPage.PastedSource, SpecReader.Read(BadSpec).Errors);
        Assert.True(expected.Count > 2);
        Assert.Equal(expected, ConsoleClient.ById(page, "problems").Value.Split('\n'));
        Assert.Equal(BadSpec, ConsoleClient.ById(page, "spec").Value);
        Assert.Equal(before, await BuildCountAsync());
    }

    [Fact]
    public async Task Start_ValidSpec_StartsBuildAndRedirectsToItsPage()
    {
        using var client = new ConsoleClient(Cloud.Cloud);
        var before = await BuildCountAsync();

        using var response = await PostBuildFormAsync(client, [new("spec", ValidSpec)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/console/execution?arn=", location, StringComparison.Ordinal);
        var arn = Uri.UnescapeDataString(location["/console/execution?arn=".Length..]);
        Assert.StartsWith(WorkflowCloud.ExecutionArn("BuildNetworkStateMachine", "pages-"), arn, StringComparison.Ordinal);
        Assert.EndsWith("-console", arn, StringComparison.Ordinal);
        Assert.Equal(before + 1, await BuildCountAsync());
        var described = await Cloud.DescribeAsync(arn);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ValidSpec), JsonNode.Parse(described["input"]!.GetValue<string>())));
        using var ssm = Clients.Ssm(Cloud.Cloud);
        var password = await ssm.GetParameterAsync(new GetParameterRequest { Name = "/nob/pages/password", WithDecryption = true });
        Assert.True(password.Parameter.Value.Length >= 12);
    }

    [Fact]
    public async Task Networks_StoredRecordWithMarkup_BrokersTopologyAndTextEscaped()
    {
        var spec = ValidSpec.Replace("\"pages\"", "\"markup\"", StringComparison.Ordinal);
        var record = new NetworkRecord(NetworkRecord.CurrentSchemaVersion, "markup", spec,
            [new StoredBroker("A", "b-missing-a", true), new StoredBroker("B", "b-missing-b", true)], ["A <==> B <script>alert(1)</script>"], DateTimeOffset.UnixEpoch, "build-1");
        using var ssm = Clients.Ssm(Cloud.Cloud);
        await ssm.PutParameterAsync(new PutParameterRequest { Name = NetworkRecord.ParameterName("markup"), Value = NetworkRecordCodec.Encode(record), Type = "String", Overwrite = true });
        using var client = new ConsoleClient(Cloud.Cloud);

        var page = await client.PageAsync("/console/networks");

        var section = page.Descendants("section").Single(s => (string?)s.Attribute("data-network") == "markup");
        Assert.Empty(section.Descendants("script"));
        Assert.Equal("A <==> B <script>alert(1)</script>", section.Descendants("ul").First(u => (string?)u.Attribute("class") == "connectors").Value);
        var rows = ConsoleClient.ById(page, "brokers-markup").Element("tbody")!.Elements("tr").ToList();
        Assert.Equal([("A", "NOT FOUND"), ("B", "NOT FOUND")], rows.Select(r => (r.Elements("td").First().Value, r.Elements("td").ElementAt(2).Value)));
        var topology = section.Descendants(StateGraphSvg.Svg + "svg").Single();
        Assert.Equal(["A", "B"], topology.Descendants(StateGraphSvg.Svg + "g").Select(g => g.Attribute("data-broker")!.Value).Order(StringComparer.Ordinal));
        var link = Assert.Single(topology.Descendants(StateGraphSvg.Svg + "line"));
        Assert.Equal(("A", "B", "link duplex"), (link.Attribute("data-from")!.Value, link.Attribute("data-to")!.Value, link.Attribute("class")!.Value));
    }

    [Fact]
    public async Task Assets_ServedFromTheEndpoint_ScriptAndStylesheet()
    {
        using var client = new ConsoleClient(Cloud.Cloud);

        using var script = await client.GetAsync("/console/assets/console.js", client.Cookie);
        using var style = await client.GetAsync("/console/assets/console.css", client.Cookie);

        Assert.Equal(("text/javascript", "text/css"), (script.Content.Headers.ContentType!.MediaType, style.Content.Headers.ContentType!.MediaType));
        Assert.Contains("data-state", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(".state.succeeded", await style.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
