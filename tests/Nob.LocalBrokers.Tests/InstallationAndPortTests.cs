using System.Net;
using System.Net.Sockets;

namespace Nob.LocalBrokers.Tests;

public sealed class InstallationAndPortTests
{
    [Fact]
    public void Locate_ActiveMqHomeWithoutLauncher_ThrowsWithInstallCommand()
    {
        var empty = Directory.CreateTempSubdirectory("nob-no-activemq-");
        try
        {
            var error = Assert.Throws<ActiveMqNotInstalledException>(() =>
                ActiveMqInstallation.Locate(name => name == "ACTIVEMQ_HOME" ? empty.FullName : Environment.GetEnvironmentVariable(name)));

            Assert.Contains(empty.FullName, error.Message, StringComparison.Ordinal);
            Assert.Contains(ActiveMqInstallation.InstallCommand, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Locate_NoJavaAnywhere_ThrowsWithInstallCommand()
    {
        var error = Assert.Throws<ActiveMqNotInstalledException>(() =>
            ActiveMqInstallation.Locate(name => name switch
            {
                "ACTIVEMQ_HOME" => Environment.GetEnvironmentVariable(name),
                "PATH" => "/nonexistent-nob-path",
                _ => null,
            }));

        Assert.Contains("Java", error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y activemq default-jre-headless", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_ThisMachine_FindsLauncherJavaAndKeytool()
    {
        var installation = ActiveMqInstallation.Locate();

        Assert.True(File.Exists(installation.RunJar), installation.RunJar);
        Assert.True(File.Exists(installation.JavaExecutable), installation.JavaExecutable);
        Assert.True(File.Exists(installation.KeytoolExecutable), installation.KeytoolExecutable);
    }

    [Fact]
    public void Allocate_ManyPorts_DistinctAndBindable()
    {
        var ports = FreePorts.Allocate(20);

        Assert.Equal(20, ports.Distinct().Count());
        foreach (var port in ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public void Allocate_Ports_AreBelowTheKernelsEphemeralRange()
    {
        // A rebooting broker's port must not be taken by an outgoing connection's local port meanwhile.
        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0],
            System.Globalization.CultureInfo.InvariantCulture);

        var ports = FreePorts.Allocate(50);

        Assert.All(ports, port => Assert.InRange(port, 1024, ephemeralLow - 1));
    }

    [Fact]
    public void Allocate_Port_HoldsALockThatOtherProcessesSkip()
    {
        var taken = FreePorts.Allocate();
        // Another process would hold this lock file; this process never hands the port out again either.
        Assert.Throws<IOException>(() => new FileStream(Path.Combine(Path.GetTempPath(), "nob-ports", $"{taken}.lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None));
    }

    [Fact]
    public async Task IsAcceptingAsync_ListeningAndClosedPorts_TellsThemApart()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var listening = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closed = FreePorts.Allocate();

        Assert.True(await FreePorts.IsAcceptingAsync(listening));
        Assert.False(await FreePorts.IsAcceptingAsync(closed));
    }
}
