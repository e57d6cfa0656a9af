using System.Runtime.CompilerServices;
using Nob.LocalBrokers;

namespace Nob.Brokers.Tests;

/// <summary>
/// One temp folder and one TLS identity (made once with keytool) for all topology proofs; each test gets its own
/// <see cref="LocalBrokerHost"/> below it, which stops that test's brokers even when the test fails.
/// Set NOB_KEEP_TEST_BROKERS=1 to keep the folder (configurations, broker logs) after the run.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"nob-brokers-tests-{Guid.NewGuid():N}");

    public ActiveMqInstallation Installation { get; private set; } = null!;

    public string TlsDirectory => Path.Combine(Root, "tls");

    public async Task InitializeAsync()
    {
        Installation = ActiveMqInstallation.Locate();
        await TlsMaterial.CreateOrLoadAsync(Installation, TlsDirectory);
    }

    public Task<LocalBrokerHost> NewHostAsync(string label, [CallerMemberName] string test = "") =>
        LocalBrokerHost.CreateAsync(
            Path.Combine(Root, $"{(test.Length > 40 ? test[..40] : test)}-{label}-{Guid.NewGuid().ToString("N")[..8]}"), TlsDirectory,
            installation: Installation);

    public Task DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("NOB_KEEP_TEST_BROKERS") != "1" && Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "Planned networks on real ActiveMQ brokers";
}
