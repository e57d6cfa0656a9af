using System.Runtime.CompilerServices;

namespace Nob.LocalBrokers.Tests;

/// <summary>
/// One temp folder and one TLS identity for every test that runs real brokers. Each test gets its own
/// <see cref="LocalBrokerHost"/> below it, which stops that test's brokers even when the test fails.
/// Set NOB_KEEP_TEST_BROKERS=1 to keep the folder (configurations, broker logs) after the run.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"nob-localbrokers-tests-{Guid.NewGuid():N}");

    public ActiveMqInstallation Installation { get; private set; } = null!;

    public TlsMaterial Tls { get; private set; } = null!;

    public string TlsDirectory => Path.Combine(Root, "tls");

    public async Task InitializeAsync()
    {
        Installation = ActiveMqInstallation.Locate();
        Tls = await TlsMaterial.CreateOrLoadAsync(Installation, TlsDirectory);
    }

    public Task<LocalBrokerHost> NewHostAsync([CallerMemberName] string test = "") =>
        LocalBrokerHost.CreateAsync(
            Path.Combine(Root, $"{(test.Length > 60 ? test[..60] : test)}-{Guid.NewGuid().ToString("N")[..8]}"), TlsDirectory, installation: Installation);

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
    public const string Name = "Real ActiveMQ brokers";
}
