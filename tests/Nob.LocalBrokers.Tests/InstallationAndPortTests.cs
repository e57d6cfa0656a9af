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
