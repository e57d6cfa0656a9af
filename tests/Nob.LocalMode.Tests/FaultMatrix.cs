using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Nob.Aws.Adapters;
using Nob.Aws.Mq;
using Nob.Aws.Mq.Model;

namespace Nob.LocalMode.Tests;

/// <summary>One row of the fault matrix: what was done, how nob came out of it, and the three counts that must be 0.</summary>
/// <param name="Order">Where the row goes in the table (rows run in any order).</param>
/// <param name="Outcome">"success", or the named error of each run in turn ("BrokerWaitTimedOutException, then success").</param>
public sealed record FaultMatrixRow(int Order, string Fault, string Outcome, int BrokersDuplicated, int ConfigurationEditsLost, int SecretsExposed);

/// <summary>
/// The fault matrix's results, written as a markdown table after every row to <c>fault-matrix.md</c> beside the test
/// assembly, or to the path in <c>NOB_FAULT_MATRIX_RESULTS</c>.
/// </summary>
public static class FaultMatrixTable
{
    public const string ResultsVariable = "NOB_FAULT_MATRIX_RESULTS";

    public static string ResultsPath =>
        Environment.GetEnvironmentVariable(ResultsVariable) is { Length: > 0 } path ? path : Path.Combine(AppContext.BaseDirectory, "fault-matrix.md");

    public static string Markdown(IEnumerable<FaultMatrixRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| fault | outcome | brokers duplicated | configuration edits lost | secrets exposed |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in rows.OrderBy(r => r.Order).ThenBy(r => r.Fault, StringComparer.Ordinal))
            text.AppendLine($"| {Cell(row.Fault)} | {Cell(row.Outcome)} | {row.BrokersDuplicated} | {row.ConfigurationEditsLost} | {row.SecretsExposed} |");
        return text.ToString();
    }

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}

/// <summary>
/// The matrix's NOB_HOME: one endpoint for every row, started by a build of a small baseline network. Rows run one at a
/// time (faults apply to every request the endpoint serves); each records its row here, which rewrites the table.
/// </summary>
public sealed class FaultMatrixFixture : LocalHomeFixture
{
    readonly Lock gate = new();
    readonly List<FaultMatrixRow> rows = [];

    public const string BaseNetwork = "matrix-base";

    public NobRun? BaseBuild { get; private set; }

    public override async Task InitializeAsync()
    {
        var spec = WriteSpec(BaseNetwork, Specs.TwoBrokers(BaseNetwork, "MatrixBase1", "MatrixBase2"));
        BaseBuild = await NobAsync("up", spec, "--json");
    }

    public IReadOnlyList<FaultMatrixRow> Rows
    {
        get
        {
            lock (gate) return [.. rows];
        }
    }

    public void Record(FaultMatrixRow row)
    {
        string table;
        lock (gate)
        {
            rows.RemoveAll(r => r.Fault == row.Fault);
            rows.Add(row);
            table = FaultMatrixTable.Markdown(rows);
        }
        var path = FaultMatrixTable.ResultsPath;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, table);
    }
}

/// <summary>Where a row runs among the matrix's tests (lower first; unmarked last): a row that restarts the endpoint runs before the others have added brokers it must restart.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunOrderAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}

/// <summary>Orders a class's tests by <see cref="RunOrderAttribute"/>, then by name.</summary>
public sealed class RunOrderOrderer : Xunit.Sdk.ITestCaseOrderer
{
    public const string TypeName = "Nob.LocalMode.Tests.RunOrderOrderer";
    public const string AssemblyName = "Nob.LocalMode.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(RunOrderAttribute).AssemblyQualifiedName)
                .FirstOrDefault()?.GetConstructorArguments().OfType<int>().First() ?? int.MaxValue)
            .ThenBy(c => c.TestMethod.Method.Name, StringComparer.Ordinal);
}

/// <summary>
/// One row's run: a network of two brokers, <c>{Key}Mark</c> (made beforehand by the test through the Amazon MQ API with a
/// marker queue in its configuration, then adopted by nob) and <c>{Key}New</c> (created by nob). The row sets its faults,
/// runs nob (every run's output kept), and <see cref="FinishAsync"/> measures: brokers duplicated on the endpoint,
/// configuration edits lost (the marker gone from the adopted broker's current revision) and secrets exposed (the
/// common user's password anywhere but a broker's own configuration), records the row and asserts all three are 0.
/// </summary>
public sealed partial class FaultScenario(FaultMatrixFixture fixture, ITestOutputHelper output, string key)
{
    readonly List<NobRun> runs = [];
    readonly List<string> keptQueues = [];
    string? markerConfigurationId;

    public string Network { get; } = $"matrix-{key.ToLowerInvariant()}";

    /// <summary>The broker nob adopts, whose configuration carries the marker.</summary>
    public string Mark { get; } = $"{key}Mark";

    /// <summary>The broker nob creates.</summary>
    public string New { get; } = $"{key}New";

    /// <summary>Both brokers' security group, the row's own.</summary>
    public string SecurityGroup { get; } = $"sg-{key}";

    public string Marker { get; } = $"nob.matrix.marker.{key.ToLowerInvariant()}";

    public FaultMatrixFixture Fixture => fixture;

    public IReadOnlyList<NobRun> Runs => runs;

    public string SpecPath { get; private set; } = "";

    /// <summary>The SSM parameter the row's spec names for the common user's password.</summary>
    public string PasswordParameter => $"/nob/{Network}/password";

    /// <summary>Every password a run of the row was given (the fixture's, and any a row rotates to): none may be exposed.</summary>
    readonly List<string> passwords = [fixture.Password];

    /// <summary>Writes the row's spec (source-sink Mark -> New; <paramref name="polling"/> JSON added as is) and makes the marked broker, RUNNING.</summary>
    public async Task PrepareAsync(string? polling = null)
    {
        Assert.True(fixture.BaseBuild is { ExitCode: 0 }, $"the baseline build failed, so the endpoint may not run: {fixture.BaseBuild}");
        var json = JsonNode.Parse(Specs.TwoBrokers(Network, Mark, New, $$"""{ "type": "source-sink", "sources": ["{{Mark}}"], "sinks": ["{{New}}"] }"""))!.AsObject();
        json["brokerDefaults"]!["securityGroups"] = new JsonArray(SecurityGroup); // its own, so this build opens its own ingress
        if (polling is not null) json["polling"] = JsonNode.Parse(polling);
        SpecPath = fixture.WriteSpec(Network, json.ToJsonString());

        using var mq = fixture.MqClient();
        var adapter = new AmazonMqBrokerService(mq);
        var configuration = await mq.CreateConfigurationAsync(new CreateConfigurationRequest { Name = $"{Mark}-edited", EngineType = "ACTIVEMQ", EngineVersion = "5.18" });
        markerConfigurationId = configuration.Id!;
        var document = XDocument.Parse(await adapter.GetConfigurationRevisionXmlAsync(markerConfigurationId, 1, CancellationToken.None));
        var broker = document.Root!;
        var destinations = new XElement(broker.Name.Namespace + "destinations", new XElement(broker.Name.Namespace + "queue", new XAttribute("physicalName", Marker)));
        // Children of <broker> in alphabetical order, as Amazon MQ wants them: after <destinationPolicy>.
        if (broker.Element(broker.Name.Namespace + "destinationPolicy") is { } policy) policy.AddAfterSelf(destinations);
        else broker.AddFirst(destinations);
        var edit = await adapter.UpdateConfigurationAsync(markerConfigurationId, document.ToString(), "an operator's edit: a queue nob must keep", CancellationToken.None);
        Assert.Empty(edit.Warnings);
        var created = await mq.CreateBrokerAsync(new CreateBrokerRequest
        {
            BrokerName = Mark,
            DeploymentMode = "SINGLE_INSTANCE",
            EngineType = "ACTIVEMQ",
            EngineVersion = "5.18",
            HostInstanceType = "mq.t3.micro",
            PubliclyAccessible = false,
            AutoMinorVersionUpgrade = true,
            SubnetIds = ["subnet-a"],
            SecurityGroups = [SecurityGroup],
            Users = [new User { Username = "networkUser", Password = fixture.Password, ConsoleAccess = false }],
            Configuration = new ConfigurationId { Id = markerConfigurationId, Revision = edit.Revision },
        });
        await WaitForStateAsync(created.BrokerId!, "RUNNING", TimeSpan.FromMinutes(2));
        keptQueues.Add(Marker);
        Assert.Empty(await EditsLostAsync());
    }

    /// <summary>A queue someone else adds to the adopted broker's configuration during the row (e.g. a console edit the endpoint injects): it must be kept too.</summary>
    public void MustKeepQueue(string physicalName) => keptQueues.Add(physicalName);

    /// <summary>Sets the endpoint's faults (camelCase FaultSettings).</summary>
    public Task<JsonObject> FaultsAsync(object settings) => fixture.SetFaultsAsync(settings);

    /// <summary>Runs <c>nob up SPEC --json</c> and logs it (its output kept for the secret scan, its execution's history is under NOB_HOME).</summary>
    public async Task<NobRun> UpAsync(string? password = null) => await Keep(StartUp(password));

    /// <summary>
    /// Runs <c>nob up</c> with <paramref name="faults"/> in force, then clears them; returns the run and by how much each of
    /// the endpoint's fault counters (throttled, serverErrors, responsesLost) went up during it.
    /// </summary>
    public async Task<(NobRun Run, IReadOnlyDictionary<string, int> Injected)> UpUnderFaultsAsync(object faults)
    {
        var before = await fixture.GetFaultsAsync();
        NobRun run;
        JsonObject after;
        await fixture.SetFaultsAsync(faults);
        try
        {
            run = await UpAsync();
        }
        finally
        {
            after = await fixture.GetFaultsAsync();
            await fixture.ResetFaultsAsync();
        }
        var injected = new[] { "throttled", "serverErrors", "responsesLost" }.ToDictionary(c => c, c => ((int?)after[c] ?? 0) - ((int?)before[c] ?? 0));
        output.WriteLine($"injected during the run: {string.Join(", ", injected.Select(i => $"{i.Key} {i.Value}"))}");
        return (run, injected);
    }

    /// <summary>The ActiveMQ JVM of one broker (its command line names the broker's folder), if one runs.</summary>
    public Nob.LocalBrokers.ProcessIdentity? BrokerJvm(string brokerId) =>
        LeftoverProcesses.Referencing(fixture.Home)
            .Where(p => p.IsJava && p.CommandLine.Contains(Path.Combine(fixture.Home, "cloud", "brokers", brokerId), StringComparison.Ordinal))
            .Select(p => Nob.LocalBrokers.ProcessIdentity.Of(p.Pid)).OfType<Nob.LocalBrokers.ProcessIdentity>().SingleOrDefault();

    /// <summary>The running endpoint, as cloud.json identifies it (pid, start time, command line).</summary>
    public Nob.LocalBrokers.ProcessIdentity Endpoint()
    {
        var cloud = JsonNode.Parse(File.ReadAllText(fixture.CloudStateFile))!;
        var endpoint = new Nob.LocalBrokers.ProcessIdentity((int)cloud["pid"]!, (long)cloud["startTime"]!, (string)cloud["commandLine"]!);
        Assert.True(endpoint.IsRunning, $"cloud.json does not name the running endpoint: {cloud}");
        return endpoint;
    }

    /// <summary>Whether a broker of that name exists on the endpoint (false too when the endpoint does not answer).</summary>
    public async Task<bool> ExistsAsync(string name)
    {
        using var mq = fixture.MqClient();
        return await new AmazonMqBrokerService(mq).FindBrokerByNameAsync(name, CancellationToken.None) is not null;
    }

    /// <summary>Starts <c>nob up SPEC --json</c>; await the task for the run (see <see cref="Keep"/>).</summary>
    /// <param name="password">NOB_PASSWORD for this run (by default the fixture's); a new one rotates the common user's password.</param>
    public Task<NobRun> StartUp(string? password = null)
    {
        if (password is not null && !passwords.Contains(password)) passwords.Add(password);
        return NobProcess.RunAsync(fixture.Home, password ?? fixture.Password, null, "up", SpecPath, "--json");
    }

    /// <summary>Any other nob command of the row (kept for the secret scan).</summary>
    public Task<NobRun> NobAsync(params string[] arguments) => Keep(fixture.NobAsync(arguments));

    public async Task<NobRun> Keep(Task<NobRun> running)
    {
        var run = await running;
        runs.Add(run);
        output.WriteLine(run.ToString());
        return run;
    }

    /// <summary>"success", or the named error a failed run reports (the last "failed: Name" of its progress, else its exit code).</summary>
    public static string OutcomeOf(NobRun run)
    {
        if (run.ExitCode == 0) return "success";
        var named = FailedPattern().Matches(run.Stderr).LastOrDefault()?.Groups[1].Value ?? ErrorPattern().Matches(run.Stderr).LastOrDefault()?.Groups[1].Value;
        return named ?? $"exit {run.ExitCode}";
    }

    /// <summary>The run succeeded, verified every pair, and names both brokers RUNNING.</summary>
    public void AssertBuilt(NobRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = Summary.Parse(run);
        Assert.Equal("PASSED", (string?)summary["verification"]?["status"]);
        Assert.Equal([Mark, New], Summary.Brokers(summary).Select(b => (string)b["brokerName"]!).Order(StringComparer.Ordinal));
        Assert.All(Summary.Brokers(summary), b => Assert.Equal("RUNNING", (string?)b["brokerState"]));
    }

    public async Task<string> BrokerIdAsync(string name)
    {
        using var mq = fixture.MqClient();
        return (await new AmazonMqBrokerService(mq).FindBrokerByNameAsync(name, CancellationToken.None))?.BrokerId
            ?? throw new InvalidOperationException($"no broker {name} on the endpoint");
    }

    /// <summary>Polls the endpoint until <paramref name="condition"/> holds (ignoring failed calls), or fails after <paramref name="limit"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or AmazonMqException or IOException or InvalidOperationException)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"not within {limit.TotalSeconds:0} s: {what}");
            await Task.Delay(200);
        }
    }

    async Task WaitForStateAsync(string brokerId, string state, TimeSpan limit)
    {
        using var mq = fixture.MqClient();
        await UntilAsync(async () => (await mq.DescribeBrokerAsync(new DescribeBrokerRequest { BrokerId = brokerId })).BrokerState == state,
            limit, $"broker {brokerId} {state}");
    }

    /// <summary>Clears the faults, measures the row, records it in the table, and asserts the three counts are 0.</summary>
    public async Task<FaultMatrixRow> FinishAsync(int order, string fault, string outcome)
    {
        await fixture.ResetFaultsAsync();
        var duplicated = await BrokersDuplicatedAsync();
        var lost = await EditsLostAsync();
        var exposed = SecretsExposed();
        var row = new FaultMatrixRow(order, fault, outcome, duplicated.Count, lost.Count, exposed.Count);
        fixture.Record(row);
        output.WriteLine($"row: {row}");
        Assert.True(duplicated.Count == 0, $"brokers duplicated: {string.Join(", ", duplicated)}");
        Assert.True(lost.Count == 0, $"edits lost: {string.Join(", ", lost)} missing from {Mark}'s current revision");
        Assert.True(exposed.Count == 0, $"the common user's password is exposed in:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", exposed)}");
        return row;
    }

    /// <summary>
    /// Brokers on the endpoint beyond one per name (any network: an earlier row's too). A broker nob is deleting (one it
    /// replaces) is given 60 s to go first; one still there after that counts.
    /// </summary>
    async Task<IReadOnlyList<string>> BrokersDuplicatedAsync()
    {
        using var mq = fixture.MqClient();
        var brokers = await mq.ListAllBrokersAsync(100);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (brokers.Any(b => b.BrokerState == "DELETION_IN_PROGRESS") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            brokers = await mq.ListAllBrokersAsync(100);
        }
        Assert.Contains(brokers, b => b.BrokerName == Mark);
        return [.. brokers.GroupBy(b => b.BrokerName).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)).Select(b => $"{b.BrokerName} ({b.BrokerId})")];
    }

    /// <summary>The queues of edits made beside nob (the marker, and any <see cref="MustKeepQueue"/>) missing from the adopted broker's current revision (the XML parsed, not searched).</summary>
    public async Task<IReadOnlyList<string>> EditsLostAsync()
    {
        using var mq = fixture.MqClient();
        var adapter = new AmazonMqBrokerService(mq);
        var described = await adapter.DescribeBrokerAsync(await BrokerIdAsync(Mark), CancellationToken.None);
        var current = described.CurrentConfiguration ?? throw new InvalidOperationException($"{Mark} reports no current configuration");
        Assert.Equal(markerConfigurationId, current.Id);
        var document = XDocument.Parse(await adapter.GetConfigurationRevisionXmlAsync(current.Id, current.Revision, CancellationToken.None));
        var queues = document.Root!.Elements().Where(e => e.Name.LocalName == "destinations").Elements()
            .Where(e => e.Name.LocalName == "queue").Select(e => (string?)e.Attribute("physicalName")).ToHashSet(StringComparer.Ordinal);
        return [.. keptQueues.Where(q => !queues.Contains(q))];
    }

    /// <summary>
    /// Where the password (as is, or base64) appears but must not: any file under NOB_HOME but the brokers' own
    /// configuration folders (the SSM store keeps it encrypted, so it is searched too, with the network records it holds;
    /// the endpoint's execution histories, cloud/executions, with every payload each function got), and the stdout and
    /// stderr of every nob run of the row.
    /// </summary>
    public IReadOnlyList<string> SecretsExposed()
    {
        var needles = passwords.SelectMany(p => new[] { p, Convert.ToBase64String(Encoding.UTF8.GetBytes(p)) }).ToArray();
        var exposed = new List<string>();
        var scanned = 0;
        var histories = 0;
        var whereItMustBe = 0;
        foreach (var file in Directory.EnumerateFiles(fixture.Home, "*", SearchOption.AllDirectories))
        {
            if (IsBrokerConfiguration(Path.GetRelativePath(fixture.Home, file)))
            {
                if (Contains(file, needles)) whereItMustBe++;
                continue;
            }
            scanned++;
            if (IsExecutionHistory(Path.GetRelativePath(fixture.Home, file))) histories++;
            if (Contains(file, needles)) exposed.Add(Path.GetRelativePath(fixture.Home, file));
        }
        Assert.True(scanned > 10, "the secret scan found almost nothing to search under NOB_HOME");
        Assert.True(histories > 0, "the secret scan found no execution history (cloud/executions/*.jsonl) under NOB_HOME");
        // The scan finds the password where ActiveMQ must read it (else it would find it nowhere else either).
        Assert.True(whereItMustBe > 0, "the secret scan did not find the password even in the brokers' own configuration");
        foreach (var (run, i) in runs.Select((r, i) => (r, i)))
        {
            if (needles.Any(n => run.Stdout.Contains(n, StringComparison.Ordinal))) exposed.Add($"stdout of run {i + 1} (nob {string.Join(' ', run.Arguments)})");
            if (needles.Any(n => run.Stderr.Contains(n, StringComparison.Ordinal))) exposed.Add($"stderr of run {i + 1} (nob {string.Join(' ', run.Arguments)})");
        }
        return exposed;
    }

    /// <summary>cloud/executions/….jsonl: an execution's history as the endpoint keeps it (every state's input and every task's payload).</summary>
    static bool IsExecutionHistory(string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar);
        return parts is ["cloud", "executions", var file] && file.EndsWith(".jsonl", StringComparison.Ordinal);
    }

    /// <summary>cloud/brokers/{id}/…/conf/…: the broker's own configuration, which ActiveMQ reads the password from.</summary>
    static bool IsBrokerConfiguration(string relative)
    {
        var parts = relative.Split(Path.DirectorySeparatorChar);
        return parts.Length > 3 && parts[0] == "cloud" && parts[1] == "brokers" && parts[2..^1].Contains("conf");
    }

    static bool Contains(string file, string[] needles)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException)
        {
            return false; // gone meanwhile (a log rolled over)
        }
        return needles.Any(n => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(n)) >= 0);
    }

    [GeneratedRegex(@"failed: ([A-Za-z][A-Za-z0-9_.]*)")]
    private static partial Regex FailedPattern();

    [GeneratedRegex(@"\b([A-Z][A-Za-z0-9]*(?:Exception|Error))\b")]
    private static partial Regex ErrorPattern();
}
