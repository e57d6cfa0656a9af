using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;

namespace Nob.Aws.Tests.Infrastructure;

/// <summary>
/// moto's server mode (<c>moto_server</c>, all services on one port) on a free loopback port, for the tests that run our
/// clients and adapters against an implementation of the AWS APIs nobody here wrote. Started once for the test class,
/// waited for (bounded), stopped at the end. Never skipped: without moto_server the fixture fails, saying how to install it.
/// Requests are routed by moto from the SigV4 credential scope (service and region), so every client signs for
/// <see cref="Region"/> with the dummy <see cref="Credentials"/>; moto does not check signatures.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    public const string Region = "us-east-1";

    /// <summary>The account moto answers for by default.</summary>
    public const string AccountId = "123456789012";

    public const string InstallCommand = "pip install 'moto[server]'";

    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testing", "testing");

    Process? _process;
    readonly StringBuilder _output = new();

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var executable = FindOnPath("moto_server")
            ?? throw new InvalidOperationException($"moto_server is not on PATH; the moto contract tests need it. Install it with: {InstallCommand}");
        // The free port is found by binding and letting go; should another process take it meanwhile, moto_server exits
        // and the next attempt takes another port.
        for (var attempt = 1; ; attempt++)
        {
            Start(executable, FreeLoopbackPort());
            try
            {
                await WaitUntilAnsweringAsync();
                return;
            }
            catch (MotoExitedException) when (attempt < 3)
            {
                _process?.Dispose();
                _process = null;
            }
        }
    }

    void Start(string executable, int port)
    {
        Url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        start.Environment["AWS_DEFAULT_REGION"] = Region;
        start.Environment.Remove("AWS_SESSION_TOKEN");
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"could not run {executable} ({e.Message}). Install moto's server with: {InstallCommand}", e);
        }
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    sealed class MotoExitedException(string message) : Exception(message);

    void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>What moto_server printed so far (its request log and any traceback), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process!.HasExited)
                throw new MotoExitedException($"moto_server exited with code {_process.ExitCode} before answering on {Url}. If it lacks the server extras, install them with: {InstallCommand}\n{Output}");
            try
            {
                // moto's own API: answers once the server is up, whatever services it has.
                using var response = await http.GetAsync($"{Url}/moto-api/data.json");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (deadline.Elapsed > StartTimeout)
                throw new TimeoutException($"moto_server did not answer on {Url} within {StartTimeout.TotalSeconds:0} s\n{Output}");
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
