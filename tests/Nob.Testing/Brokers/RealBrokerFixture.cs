using System.Runtime.CompilerServices;
using Nob.LocalBrokers;
using Xunit;

namespace Nob.Testing.Brokers;

/// <summary>
/// One temp folder and one TLS identity (made once with keytool) for a test assembly's real-broker tests; each test gets
/// its own <see cref="LocalBrokerHost"/> below it, which stops that test's brokers even when the test fails.
/// Set NOB_KEEP_TEST_BROKERS=1 to keep the folder (configurations, broker logs) after the run.
/// </summary>
public sealed class RealBrokerFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"nob-broker-tests-{Guid.NewGuid():N}");

    public ActiveMqInstallation Installation { get; private set; } = null!;

    public TlsMaterial Tls { get; private set; } = null!;

    public string TlsDirectory => Path.Combine(Root, "tls");

    public async Task InitializeAsync()
    {
        Installation = ActiveMqInstallation.Locate();
        Tls = await TlsMaterial.CreateOrLoadAsync(Installation, TlsDirectory);
    }

    /// <summary>A host in a folder named after the test (and <paramref name="label"/>, when a test starts several).</summary>
    public Task<LocalBrokerHost> NewHostAsync(string label = "", [CallerMemberName] string test = "")
    {
        var name = test.Length > 40 ? test[..40] : test;
        var folder = $"{name}{(label.Length > 0 ? "-" + label : "")}-{Guid.NewGuid().ToString("N")[..8]}";
        return LocalBrokerHost.CreateAsync(Path.Combine(Root, folder), TlsDirectory, installation: Installation);
    }

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("NOB_KEEP_TEST_BROKERS") != "1" && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return Task.CompletedTask;
    }
}
