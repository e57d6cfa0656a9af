using System.Net;
using System.Text.Json.Nodes;
using Nob.Core.Specs;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The local console in a real browser (Debian's chromium through chromedriver, headless): the 401 without the token,
/// the URL nob status prints, the tutorial started from the form and watched to SUCCEEDED on the execution page without
/// a reload (its states changing class on the graph), a bad spec refused with nob plan's text, the networks page, and a
/// teardown from the form. Saves the execution page's screenshot to docs/images/console-execution.png.
/// </summary>
public sealed class ConsoleBrowserTests(ForegroundCloudFixture fixture, ITestOutputHelper output) : IClassFixture<ForegroundCloudFixture>
{
    static readonly TimeSpan RunPatience = TimeSpan.FromMinutes(10);

    const string BadSpec = """{ "networkName": "bad name!", "topology": { "type": "mesh" }, "brokers": [ { "name": "A" } ] }""";

    static ChromeDriver Browser(string profile)
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", "--window-size=1500,1100");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    async Task<int> BuildExecutionsAsync()
    {
        var machines = await LocalEndpointProcess.AwsAsync(fixture, "stepfunctions", "list-state-machines");
        var arn = machines["stateMachines"]!.AsArray().Single(m => (string?)m!["name"] == "BuildNetworkStateMachine")!["stateMachineArn"]!.GetValue<string>();
        return (await LocalEndpointProcess.AwsAsync(fixture, "stepfunctions", "list-executions", "--state-machine-arn", arn))["executions"]!.AsArray().Count;
    }

    /// <summary>Waits on the open execution page (bounded) until it says the execution ended; returns every class each state node showed meanwhile, in order.</summary>
    static Dictionary<string, List<string>> WatchExecution(ChromeDriver browser, out string status)
    {
        var seen = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + RunPatience;
        while (true)
        {
            var snapshot = (string)browser.ExecuteScript("""
                var states = {};
                document.querySelectorAll('g.state[data-state]').forEach(function (g) {
                  var c = g.getAttribute('class').split(' ').filter(function (x) { return ['not-reached','running','succeeded','failed','caught'].indexOf(x) >= 0; });
                  states[g.getAttribute('data-state')] = c[0] || '';
                });
                return JSON.stringify({ status: document.getElementById('status').textContent, states: states });
                """)!;
            var parsed = JsonNode.Parse(snapshot)!;
            foreach (var (name, value) in parsed["states"]!.AsObject())
            {
                var list = seen.TryGetValue(name, out var l) ? l : seen[name] = [];
                var cls = value!.GetValue<string>();
                if (list.Count == 0 || list[^1] != cls) list.Add(cls);
            }
            status = parsed["status"]!.GetValue<string>();
            if (status != "RUNNING") return seen;
            Assert.True(DateTime.UtcNow < deadline, $"the execution page still says RUNNING after {RunPatience}");
            Thread.Sleep(150);
        }
    }

    static IWebElement ById(ChromeDriver browser, string id) => browser.FindElement(By.Id(id));

    [Fact]
    public async Task Console_StartWatchRefuseShowTeardown_InChromium()
    {
        var endpoint = fixture.Endpoint.AbsoluteUri.TrimEnd('/');
        using (var http = new HttpClient())
        {
            using var refused = await http.GetAsync(endpoint + "/console/");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var status = await fixture.NobAsync("status", "--json");
        var text = await fixture.NobAsync("status");
        Assert.True(status.ExitCode == 0 && text.ExitCode == 0, status.ToString() + text);
        var consoleUrl = (string?)JsonNode.Parse(status.Stdout)!["consoleUrl"] ?? throw new Xunit.Sdk.XunitException($"no consoleUrl in {status.Stdout}");
        Assert.StartsWith(endpoint + "/console/?token=", consoleUrl, StringComparison.Ordinal);
        Assert.Contains($"Console: {consoleUrl}", text.Stdout, StringComparison.Ordinal);

        var profile = Directory.CreateTempSubdirectory("nob-console-chromium-").FullName;
        try
        {
            using var browser = Browser(profile);
            browser.Navigate().GoToUrl(endpoint + "/console/");
            Assert.Equal("The console needs its token", browser.FindElement(By.TagName("h1")).Text);

            browser.Navigate().GoToUrl(consoleUrl);
            Assert.DoesNotContain("token=", browser.Url, StringComparison.Ordinal);
            Assert.Equal("Networks", browser.FindElement(By.TagName("h1")).Text);

            // Start the tutorial from the form and watch it on its page.
            browser.Navigate().GoToUrl(endpoint + "/console/start");
            browser.FindElement(By.CssSelector("#example option[value='tutorial.json']")).Click();
            ById(browser, "start-build").Click();
            Assert.Contains("/console/execution?arn=", browser.Url, StringComparison.Ordinal);
            browser.ExecuteScript("window.nobSamePage = 'unreloaded';");
            var seen = WatchExecution(browser, out var ended);
            output.WriteLine(string.Join("\n", seen.Select(s => $"{s.Key}: {string.Join(" -> ", s.Value)}")));
            Assert.Equal("SUCCEEDED", ended);
            Assert.Equal("unreloaded", (string?)browser.ExecuteScript("return window.nobSamePage || null;"));
            // States seen running, then succeeded, on this one page.
            var changed = seen.Where(s => s.Value.Contains("running") && s.Value[^1] == "succeeded" && s.Value.IndexOf("running") < s.Value.LastIndexOf("succeeded")).Select(s => s.Key).ToList();
            Assert.True(changed.Count > 0, "no state was seen running then succeeded");
            Assert.All(new[] { "Validate", "AcquireLock", "Verify", "StoreNetwork", "Summarize", "ReleaseLock" }, s => Assert.Equal("succeeded", seen[s][^1]));
            Assert.Equal("not-reached", seen["FailedVerify"][^1]);
            Assert.True(browser.FindElements(By.CssSelector("#history tbody tr")).Count > 20);
            Assert.Equal("tutorial", JsonNode.Parse(ById(browser, "output").Text)!["networkName"]!.GetValue<string>());
            var graph = browser.FindElement(By.CssSelector(".graph-frame"));
            ((IJavaScriptExecutor)browser).ExecuteScript("arguments[0].scrollIntoView(true); window.scrollBy(0, -120);", graph);
            var screenshot = Path.Combine(Repository.Root, "docs", "images", "console-execution.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            browser.GetScreenshot().SaveAsFile(screenshot);

            // A bad spec: nob plan's problems, and nothing started.
            var before = await BuildExecutionsAsync();
            browser.Navigate().GoToUrl(endpoint + "/console/start");
            browser.ExecuteScript("document.getElementById('spec').value = arguments[0];", BadSpec);
            ById(browser, "start-build").Click();
            var expected = SpecErrorText.Lines("the pasted spec", SpecReader.Read(BadSpec).Errors);
            Assert.Equal(expected.Select(l => l.Trim()), ById(browser, "problems").Text.Split('\n').Select(l => l.Trim()));
            Assert.Equal(before, await BuildExecutionsAsync());

            // The networks page: the tutorial's brokers and topology.
            browser.Navigate().GoToUrl(endpoint + "/console/networks");
            var network = browser.FindElement(By.CssSelector("section[data-network='tutorial']"));
            var brokers = network.FindElements(By.CssSelector("table tbody tr")).Select(r => r.FindElements(By.TagName("td"))).ToList();
            Assert.Equal(["MyBroker1", "MyBroker2"], brokers.Select(r => r[0].Text).Order(StringComparer.Ordinal));
            Assert.All(brokers, r => Assert.Equal("RUNNING", r[2].Text));
            Assert.Equal(["MyBroker1", "MyBroker2"], network.FindElements(By.CssSelector("svg.topology g.broker")).Select(g => g.GetAttribute("data-broker")).Order(StringComparer.Ordinal));
            Assert.Single(network.FindElements(By.CssSelector("svg.topology line.link")));
            Assert.NotEmpty(network.FindElements(By.CssSelector(".verification li")));
            var consoleLink = network.FindElement(By.CssSelector("a.broker-console")).GetAttribute("href") ?? throw new Xunit.Sdk.XunitException("a broker console link without href");
            browser.Navigate().GoToUrl(consoleLink);
            Assert.Contains("MyBroker", browser.FindElement(By.TagName("body")).Text, StringComparison.Ordinal);

            // Clean up from the form: teardown, watched to its end.
            browser.Navigate().GoToUrl(endpoint + "/console/start");
            browser.FindElement(By.CssSelector("#network option[value='tutorial']")).Click();
            ById(browser, "start-teardown").Click();
            Assert.Contains("/console/execution?arn=", browser.Url, StringComparison.Ordinal);
            WatchExecution(browser, out var teardown);
            Assert.Equal("SUCCEEDED", teardown);
            browser.Navigate().GoToUrl(endpoint + "/console/networks");
            Assert.Empty(browser.FindElements(By.CssSelector("section[data-network='tutorial']")));
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
