using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.SimpleSystemsManagement;
using Nob.Aws.Mq;
using Nob.Cli.Local;

namespace Nob.Cli.Tests;

/// <summary>An HTTP listener on 127.0.0.1 standing in for the local endpoint: it records each request and answers by operation.</summary>
sealed class CapturingEndpoint : IDisposable
{
    public sealed record Request(string Method, string Path, string? Target, string Authorization);

    readonly HttpListener listener = new();
    readonly Task serving;

    public CapturingEndpoint()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        }
        listener.Prefixes.Add(Url + "/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var target = context.Request.Headers["X-Amz-Target"];
            Requests.Enqueue(new Request(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, target, context.Request.Headers["Authorization"] ?? ""));
            var body = (context.Request.Url.AbsolutePath, target) switch
            {
                ("/v1/brokers", _) => """{"brokerSummaries":[{"brokerName":"B1","brokerId":"b-1","brokerState":"RUNNING","deploymentMode":"SINGLE_INSTANCE"}]}""",
                (_, "AmazonSSM.GetParametersByPath") => """{"Parameters":[{"Name":"/nob/networks/tutorial","Type":"String","Value":"x","Version":1}]}""",
                (_, "AmazonSSM.GetParameter") => """{"Parameter":{"Name":"/nob/password","Type":"SecureString","Value":"stored-password","Version":1}}""",
                (_, "AWSStepFunctions.ListStateMachines") => """{"stateMachines":[{"stateMachineArn":"arn:aws:states:eu-central-1:000000000000:stateMachine:nob-BuildNetworkStateMachine-ABC","name":"nob-BuildNetworkStateMachine-ABC","type":"STANDARD","creationDate":0}]}""",
                _ => "{}",
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = 200;
            context.Response.ContentType = target is null ? "application/json" : "application/x-amz-json-1.1";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try
        {
            serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}

/// <summary>
/// The one client local mode talks to the endpoint through: every call goes to the cloud state's endpoint, signed with
/// the cloud state's key pair for its region, whatever this process's environment says.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class LocalEndpointClientTests
{
    const string Region = "eu-central-1";
    const string AccessKey = "AKIDFROMCLOUDSTATE";

    static CloudState Cloud(string endpoint) => new(1, endpoint, Region, "cert.pem", "trust.p12", "password.txt",
        new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = "secret-from-cloud-state",
            ["AWS_REGION"] = Region,
            ["AWS_ENDPOINT_URL"] = endpoint,
        });

    [Fact]
    public async Task Calls_EnvironmentPointsElsewhere_ReachTheCloudStatesEndpointSignedWithItsKeyAndRegion()
    {
        using var captured = new CapturingEndpoint();
        // What a user's shell might hold: another endpoint, another key, another region. None of it may be used.
        using var environment = new ScopedEnvironment(new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
            ["AWS_ENDPOINT_URL_MQ"] = "http://127.0.0.1:9",
            ["AWS_ACCESS_KEY_ID"] = "AKIDFROMENVIRONMENT",
            ["AWS_SECRET_ACCESS_KEY"] = "secret-from-environment",
            ["AWS_REGION"] = "ap-southeast-2",
            ["AWS_DEFAULT_REGION"] = "ap-southeast-2",
        });
        using var client = new LocalEndpointClient(Cloud(captured.Url), TimeProvider.System);

        var brokers = await client.ListBrokersAsync(CancellationToken.None);
        var networks = await client.ListNetworkNamesAsync(CancellationToken.None);
        var password = await client.GetPasswordAsync("/nob/password", CancellationToken.None);
        var machine = await client.StateMachineArnAsync(LocalCommands.BuildNetworkLogicalId, CancellationToken.None);

        Assert.Equal("B1", Assert.Single(brokers).BrokerName);
        Assert.Equal(["tutorial"], networks);
        Assert.Equal("stored-password", password);
        Assert.EndsWith(":stateMachine:nob-BuildNetworkStateMachine-ABC", machine, StringComparison.Ordinal);
        var requests = captured.Requests.ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Contains($"Credential={AccessKey}/", r.Authorization, StringComparison.Ordinal));
        Assert.Contains($"/{Region}/mq/aws4_request", Assert.Single(requests, r => r.Path == "/v1/brokers").Authorization, StringComparison.Ordinal);
        Assert.All(requests.Where(r => r.Target?.StartsWith("AmazonSSM.", StringComparison.Ordinal) == true),
            r => Assert.Contains($"/{Region}/ssm/aws4_request", r.Authorization, StringComparison.Ordinal));
        Assert.Contains($"/{Region}/states/aws4_request", Assert.Single(requests, r => r.Target == "AWSStepFunctions.ListStateMachines").Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminHttp_AnyEnvironment_SignsTheCloudStatesEndpointForTheAdminRoutes()
    {
        using var captured = new CapturingEndpoint();
        using var client = new LocalEndpointClient(Cloud(captured.Url), TimeProvider.System);
        using var http = client.AdminHttp(TimeSpan.FromSeconds(10));

        using var response = await http.GetAsync("_localcloud/schedules");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(captured.Requests);
        Assert.Equal("/_localcloud/schedules", request.Path);
        Assert.Contains($"Credential={AccessKey}/", request.Authorization, StringComparison.Ordinal);
        Assert.Contains($"/{Region}/{Nob.Aws.SignedHttp.LocalCloudAdminService}/aws4_request", request.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void Configure_CloudState_EndpointRegionAndNobsRetryPolicy()
    {
        var cloud = Cloud("http://127.0.0.1:4566");

        var mq = LocalEndpointClient.Configure(new AmazonMqConfig(), cloud);
        var ssm = LocalEndpointClient.Configure(new AmazonSimpleSystemsManagementConfig(), cloud);

        Assert.All(new Amazon.Runtime.ClientConfig[] { mq, ssm }, config =>
        {
            Assert.StartsWith("http://127.0.0.1:4566", config.ServiceURL, StringComparison.Ordinal);
            Assert.Equal(Region, config.AuthenticationRegion);
            Assert.Equal(Nob.Aws.NobClientDefaults.MaxErrorRetry, config.MaxErrorRetry);
            Assert.Equal(Amazon.Runtime.RequestRetryMode.Standard, config.RetryMode);
        });
        var credentials = LocalEndpointClient.Credentials(cloud).GetCredentials();
        Assert.Equal((AccessKey, "secret-from-cloud-state"), (credentials.AccessKey, credentials.SecretKey));
    }

    [Fact]
    public void Credentials_CloudStateWithoutKeyPair_RefusedByName()
    {
        var cloud = Cloud("http://127.0.0.1:4566") with { Environment = new Dictionary<string, string>() };

        var refused = Assert.Throws<InvalidOperationException>(() => LocalEndpointClient.Credentials(cloud));

        Assert.Contains("AWS_ACCESS_KEY_ID", refused.Message, StringComparison.Ordinal);
    }
}
