using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Nob.Aws.Mq;
using Nob.Aws.StepFunctions;

namespace Nob.LocalMode.Tests;

/// <summary>
/// One NOB_HOME (so one local endpoint, started by the first `nob up`) in a fresh temp folder, a known NOB_PASSWORD, and
/// a scratch folder beside it. Disposal runs `nob down`, then fails if any process still references NOB_HOME (after
/// ending those processes, each by its pid, so a failure leaks nothing). A test class that takes it as its class fixture
/// (<c>IClassFixture&lt;LocalHomeFixture&gt;</c>) has a home and an endpoint of its own: its faults, kills and teardowns
/// touch no other class's builds.
/// </summary>
public class LocalHomeFixture : IAsyncLifetime
{
    readonly string root = Directory.CreateTempSubdirectory("nob-localmode-").FullName;

    public LocalHomeFixture()
    {
        Home = Path.Combine(root, "home");
        Scratch = Path.Combine(root, "scratch");
        Directory.CreateDirectory(Scratch);
    }

    /// <summary>NOB_HOME; not created until the first `nob up` creates it.</summary>
    public string Home { get; }

    /// <summary>Spec copies, the ActiveMQ CLI's work folders.</summary>
    public string Scratch { get; }

    /// <summary>The common user's password, given to nob as NOB_PASSWORD (Amazon MQ: 12+ characters, no , : =).</summary>
    public string Password { get; } = "LocalMode" + Guid.NewGuid().ToString("N")[..16];

    public string CloudStateFile => Path.Combine(Home, "cloud.json");

    public Task<NobRun> NobAsync(params string[] arguments) => NobProcess.RunAsync(Home, Password, null, arguments);

    /// <summary>Runs nob and writes the run (arguments, exit code, output) to the test's output, to read when it fails.</summary>
    public async Task<NobRun> NobAsync(ITestOutputHelper output, params string[] arguments)
    {
        var run = await NobAsync(arguments);
        output.WriteLine(run.ToString());
        return run;
    }

    /// <summary>Writes a spec to the scratch folder's specs/ as NAME.json and returns its path.</summary>
    public string WriteSpec(string name, string json) => Specs.Write(Path.Combine(Scratch, "specs"), name, json);

    /// <summary>The running endpoint's address, from NOB_HOME/cloud.json.</summary>
    public Uri Endpoint =>
        new(((string?)JsonNode.Parse(File.ReadAllText(CloudStateFile))?["endpoint"]) ?? throw new InvalidOperationException($"{CloudStateFile} has no endpoint"));

    /// <summary>What the running endpoint publishes in NOB_HOME/cloud.json for clients: its URL, region and the access key it accepts.</summary>
    public IReadOnlyDictionary<string, string> CloudEnvironment =>
        (JsonNode.Parse(File.ReadAllText(CloudStateFile))?["environment"] as JsonObject)?.ToDictionary(v => v.Key, v => (string)v.Value!, StringComparer.Ordinal)
        ?? throw new InvalidOperationException($"{CloudStateFile} has no environment");

    /// <summary>The endpoint's access key (every request to it must be signed with it).</summary>
    public AWSCredentials Credentials
    {
        get
        {
            var environment = CloudEnvironment;
            return new BasicAWSCredentials(environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]);
        }
    }

    /// <summary>Plain HTTP to the endpoint's admin routes, signed by AWSSDK.Core with its access key.</summary>
    public HttpClient AdminHttp(TimeSpan? timeout = null) => Nob.Aws.SignedHttp.LocalCloudClient(CloudEnvironment, timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>Our Amazon MQ client (AWSSDK.Core's pipeline) pointed at this home's endpoint, signing with its access key.</summary>
    public AmazonMqClient MqClient() =>
        new(Credentials,
            new AmazonMqConfig { ServiceURL = Endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 });

    /// <summary>Our Step Functions client pointed at this home's endpoint, signing with its access key.</summary>
    public AmazonStepFunctionsClient StepFunctionsClient() =>
        new(Credentials,
            new AmazonStepFunctionsConfig { ServiceURL = Endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 });

    /// <summary>The SDK's EC2 client pointed at this home's endpoint, signing with its access key.</summary>
    public AmazonEC2Client Ec2Client() =>
        new(Credentials, new AmazonEC2Config { ServiceURL = Endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 });

    /// <summary>The SDK's SSM client pointed at this home's endpoint, signing with its access key.</summary>
    public AmazonSimpleSystemsManagementClient SsmClient() =>
        new(Credentials, new AmazonSimpleSystemsManagementConfig { ServiceURL = Endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1", MaxErrorRetry = 2 });

    /// <summary>The endpoint's admin API for faults: PUT (camelCase FaultSettings), GET (with counters), DELETE.</summary>
    public async Task<JsonObject> SetFaultsAsync(object settings)
    {
        using var http = AdminHttp();
        using var response = await http.PutAsJsonAsync("/_localcloud/faults", settings);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public async Task<JsonObject> GetFaultsAsync()
    {
        using var http = AdminHttp();
        return JsonNode.Parse(await http.GetStringAsync("/_localcloud/faults"))!.AsObject();
    }

    public async Task ResetFaultsAsync()
    {
        using var http = AdminHttp();
        using var response = await http.DeleteAsync("/_localcloud/faults");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs nob (logged) with <paramref name="faults"/> in force on the endpoint, and clears them afterwards whatever happens.</summary>
    public async Task<NobRun> NobUnderFaultsAsync(ITestOutputHelper output, object faults, params string[] arguments)
    {
        await SetFaultsAsync(faults);
        try
        {
            return await NobAsync(output, arguments);
        }
        finally
        {
            await ResetFaultsAsync();
        }
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        NobRun? down = null;
        Exception? downFailure = null;
        try
        {
            down = await NobProcess.RunAsync(Home, Password, TimeSpan.FromMinutes(4), "down");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            downFailure = e;
        }
        var left = await LeftoverProcesses.WaitUntilNoneAsync(Home, TimeSpan.FromSeconds(10));
        LeftoverProcesses.Kill(left);
        var homeLeft = Directory.Exists(Home);
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        var problems = new List<string>();
        if (downFailure is not null) problems.Add($"nob down failed: {downFailure.Message}");
        if (down is { ExitCode: not 0 }) problems.Add($"nob down failed: {down}");
        if (left.Count > 0) problems.Add($"after nob down, processes still referenced {Home} (now killed):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", left)}");
        if (homeLeft) problems.Add($"nob down left {Home} behind");
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
    }
}
