using Nob.Testing.Brokers;
using System.Diagnostics;
using System.Xml.Linq;
using static Nob.LocalBrokers.Tests.TestConfigurations;

namespace Nob.LocalBrokers.Tests;

/// <summary>One real broker: TLS, users, the CLI, the process lifecycle.</summary>
[Collection(BrokerCollection.Name)]
public sealed class SingleBrokerTests(RealBrokerFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A broker on Amazon MQ's default configuration with the test users, started.</summary>
    private static async Task<LocalBroker> StartDefaultBrokerAsync(LocalBrokerHost host, string name)
    {
        var broker = host.CreateBroker(name, AmazonMqDefault().Xml(), Users);
        await broker.StartAsync();
        return broker;
    }

    [Fact]
    public async Task CreateOrLoadAsync_ExistingFolder_ReusesStoresAndPassword()
    {
        var again = await TlsMaterial.CreateOrLoadAsync(fixture.Installation, fixture.TlsDirectory);

        Assert.Equal(fixture.Tls.StorePassword, again.StorePassword);
        Assert.Equal(fixture.Tls.KeyStorePath, again.KeyStorePath);
        Assert.True(File.Exists(again.TrustStorePath));
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(again.CertificatePath);
        var san = certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(System.Net.IPAddress.Loopback, san.EnumerateIPAddresses());
        Assert.Contains("localhost", san.EnumerateDnsNames());
    }

    [Fact]
    public async Task StartAsync_TlsAndUser_ProducerAndConsumerRoundTrip()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = host.CreateBroker("Single", AmazonMqDefault().Xml(), Users);

        await broker.StartAsync();

        Assert.True(await FreePorts.IsAcceptingAsync(Settings(broker).StompPort!.Value), "STOMP+SSL port should accept connections");
        var produced = await host.Cli.ProduceAsync(broker.OpenWireUri, User.Username, User.Password, "queue://RoundTrip", 5, "round-trip");
        var received = await host.Cli.ReceiveAsync(broker.OpenWireUri, User.Username, User.Password, "queue://RoundTrip", 5, Patience);
        Assert.Equal(5, produced);
        Assert.Equal(5, received.Received);
        Assert.All(received.Bodies, body => Assert.Equal("round-trip", body));
        Assert.False(received.TimedOut);
    }

    [Fact]
    public async Task ProduceAsync_WrongPassword_ThrowsWithBrokersRefusal()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = await StartDefaultBrokerAsync(host, "Guarded");

        var error = await Assert.ThrowsAsync<ActiveMqCliException>(() =>
            host.Cli.ProduceAsync(broker.OpenWireUri, User.Username, "not-the-password", "queue://Guarded", 1));
        var consumerError = await Assert.ThrowsAsync<ActiveMqCliException>(() =>
            host.Cli.ConsumeAsync(broker.OpenWireUri, User.Username, "not-the-password", "queue://Guarded", 1, Patience));

        Assert.Contains($"User name [{User.Username}] or password is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("password is invalid", consumerError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsumeAsync_NothingSent_StopsAfterTimeoutWithZero()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = await StartDefaultBrokerAsync(host, "Quiet");
        var clock = Stopwatch.StartNew();

        var result = await host.Cli.ReceiveAsync(broker.OpenWireUri, User.Username, User.Password, "queue://Nothing", 1, TimeSpan.FromSeconds(4));

        Assert.Equal(0, result.Received);
        Assert.True(result.TimedOut);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task RestartAsync_PersistentMessagesWaiting_StillThereAfterRestart()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = await StartDefaultBrokerAsync(host, "Durable");
        await host.Cli.ProduceAsync(broker.OpenWireUri, User.Username, User.Password, "queue://Kept", 3, "kept");

        await broker.RestartAsync();

        Assert.Equal(3, await host.Cli.ConsumeAsync(broker.OpenWireUri, User.Username, User.Password, "queue://Kept", 3, Patience));
    }

    [Fact]
    public async Task HasReportedThisStart_AfterARelaunch_OnlyOnceThisStartIsComplete()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = await StartDefaultBrokerAsync(host, "Relaunched");
        var afterFirstStart = broker.HasReportedThisStart();
        await broker.StopAsync();

        await broker.LaunchAsync();
        var rightAfterLaunch = broker.HasReportedThisStart(); // the first start's line is in the log, but not this start's
        await broker.WaitUntilStartedAsync(TimeSpan.FromSeconds(60));

        Assert.True(afterFirstStart);
        Assert.False(rightAfterLaunch);
        Assert.True(broker.HasReportedThisStart());
        Assert.Equal(2, broker.ReadLog().Split(LocalBroker.StartedLogMarker).Length - 1);
    }

    [Fact]
    public async Task DisposeAsync_RunningBroker_LeavesNoJavaProcess()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = await StartDefaultBrokerAsync(host, "Disposable");
        var pid = broker.JavaProcessId;
        Assert.NotNull(pid);

        await broker.DisposeAsync();

        Assert.False(broker.IsRunning);
        Assert.False(ProcessExists(pid.Value), $"java process {pid} should be gone");
        Assert.False(await FreePorts.IsAcceptingAsync(broker.OpenWirePort));
    }

    [Fact]
    public async Task KillAsync_RunningBroker_JavaGoneAtOnce()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = await StartDefaultBrokerAsync(host, "Killed");
        var pid = broker.JavaProcessId!.Value;

        await broker.KillAsync();

        Assert.False(ProcessExists(pid));
    }

    [Fact]
    public async Task StartAsync_ConfigurationActiveMqRejects_ThrowsWithLogLines()
    {
        await using var host = await fixture.NewHostAsync();
        var user = AmazonMqDefault();
        // Well-formed for us, but not an attribute ActiveMQ's schema knows.
        user.Root!.Element(BrokerXml + "destinationPolicy")!.AddBeforeSelf(
            new XElement(BrokerXml + "networkConnectors", new XElement(BrokerXml + "networkConnector", new XAttribute("noSuchAttribute", "1"))));
        var broker = host.CreateBroker("Broken", user.Xml(), Users);

        var error = await Assert.ThrowsAsync<BrokerStartException>(() => broker.StartAsync());

        Assert.Contains("noSuchAttribute", error.Message, StringComparison.Ordinal);
        Assert.Contains(broker.LogPath, error.Message, StringComparison.Ordinal);
        Assert.False(broker.IsRunning);
    }

    [Fact]
    public async Task StartAsync_BrokerChildrenInReverseAlphabeticalOrder_StartsBecause517SchemaAllowsAnyOrder()
    {
        await using var host = await fixture.NewHostAsync();
        var user = AmazonMqDefault();
        var reversed = user.Root!.Elements().OrderByDescending(e => e.Name.LocalName, StringComparer.Ordinal).ToList();
        reversed.ForEach(e => e.Remove());
        user.Root.Add(reversed);
        user.Root.AddFirst(new XElement(BrokerXml + "systemUsage",
            new XElement(BrokerXml + "systemUsage",
                new XElement(BrokerXml + "memoryUsage", new XElement(BrokerXml + "memoryUsage", new XAttribute("percentOfJvmHeap", "70"))))));
        var broker = host.CreateBroker("Unordered", user.Xml(), Users, withStomp: false);

        await broker.StartAsync();

        var order = System.Xml.Linq.XDocument.Load(broker.ConfigurationPath).Root!.Element(BrokerXml + "broker")!.Elements().Select(e => e.Name.LocalName).ToList();
        Assert.NotEqual(order.Order(StringComparer.Ordinal), order);
    }

    private static BrokerRuntimeSettings Settings(LocalBroker broker) => broker.Settings;

    [Fact]
    public async Task StartAsync_AJvmOfThisBrokerOutlivedItsOwner_StopsThatJvmThenStarts()
    {
        // An endpoint killed with SIGKILL whose broker JVM survived (here: its wrapper and watchdog are killed too, so
        // nothing stops the JVM); the next endpoint prepares the broker in the same folder, with the same ports.
        await using var host = await fixture.NewHostAsync();
        var first = host.CreateBroker("Orphaned", AmazonMqDefault().Xml(), Users);
        await first.StartAsync();
        var orphan = ProcessIdentity.Of(first.JavaProcessId!.Value)!;
        var wrapper = ParentOf(orphan.Pid);
        foreach (var watchdog in ChildrenOf(wrapper).Where(pid => pid != orphan.Pid))
        {
            Process.GetProcessById(watchdog).Kill();
        }
        Process.GetProcessById(wrapper).Kill();
        await Task.Delay(500);
        Assert.True(orphan.IsRunning, "the JVM did not outlive its wrapper; the test cannot make its case");
        Assert.True(await FreePorts.IsAcceptingAsync(first.OpenWirePort));

        await using var second = new LocalBroker(fixture.Installation, first.Directory, AmazonMqDefault().Xml(), first.Settings,
            new LocalBrokerOptions { StartTimeout = TimeSpan.FromSeconds(60) });
        try
        {
            await second.StartAsync();

            Assert.False(orphan.IsRunning, $"the JVM of the earlier owner (pid {orphan.Pid}) still runs");
            Assert.NotEqual(orphan.Pid, second.JavaProcessId);
            Assert.True(await FreePorts.IsAcceptingAsync(second.OpenWirePort));
            Assert.Equal(1, await host.Cli.ProduceAsync(second.OpenWireUri, User.Username, User.Password, "queue://AfterOrphan", 1));
        }
        finally
        {
            orphan.TrySignal(ProcessIdentity.SigKill);
        }
    }

    [Fact]
    public async Task StartAsync_PidFileNamesAProcessOfAnotherProgram_LeavesItAlone()
    {
        await using var host = await fixture.NewHostAsync();
        var broker = host.CreateBroker("ReusedPid", AmazonMqDefault().Xml(), Users);
        using var sleep = Process.Start(new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(broker.Directory, "broker.pid"), sleep.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

            await broker.StartAsync();

            Assert.False(sleep.HasExited, "a process that is not this broker's JVM was signalled");
        }
        finally
        {
            sleep.Kill();
        }
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != parent)
            {
                int? ppid = null;
                try
                {
                    ppid = ParentOf(pid);
                }
                catch (IOException)
                {
                }
                if (ppid == parent)
                {
                    yield return pid;
                }
            }
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
