using System.Text.Json.Nodes;
using Nob.LocalBrokers;

namespace Nob.LocalMode.Tests;

/// <summary>
/// The independent check, as the Amazon MQ tutorial's last step does it by hand: ActiveMQ's own `activemq producer` on the
/// sender's OpenWire endpoint and `activemq consumer` on the receiver's, trusting the brokers through the truststore and
/// password file `nob up` printed, as the spec's common user with NOB_PASSWORD.
/// </summary>
public sealed class ActiveMqPairCheck(JsonObject summary, string username, string password, string workFolder)
{
    public static readonly TimeSpan DefaultConsumerTimeout = TimeSpan.FromSeconds(60);

    readonly TlsMaterial trust = TrustFrom(summary);

    /// <summary>A producer and a consumer (two JVMs) for one pair; returns null when the message arrived, else why not.</summary>
    public async Task<string?> DeliverAsync(string sender, string receiver, TimeSpan? consumerTimeout = null)
    {
        var timeout = consumerTimeout ?? DefaultConsumerTimeout;
        var id = Guid.NewGuid().ToString("N")[..12];
        // Each run gets its own ACTIVEMQ_BASE for the CLI's logging configuration and temp files.
        var cli = new ActiveMqCli(ActiveMqInstallation.Locate(), trust, Path.Combine(workFolder, $"{sender}-{receiver}-{id}"));
        var queue = $"queue://nob.localmode.{sender}.to.{receiver}.{id}";
        var body = $"{sender}-to-{receiver}-{id}";
        var senderUrl = OpenWireUrl(sender);
        var receiverUrl = OpenWireUrl(receiver);
        // A queue keeps the message on the sender until the consumer's demand reaches it over the bridges,
        // so the two may start in either order.
        using var stopConsumer = new CancellationTokenSource();
        var consuming = cli.ReceiveAsync(receiverUrl, username, password, queue, 1, timeout, stopConsumer.Token);
        int produced;
        try
        {
            produced = await cli.ProduceAsync(senderUrl, username, password, queue, 1, body);
        }
        catch (ActiveMqCliException e)
        {
            // Nothing will arrive: stop the consumer JVM now rather than leave it waiting out its time.
            await stopConsumer.CancelAsync();
            try
            {
                await consuming;
            }
            catch (Exception ignored) when (ignored is OperationCanceledException or ActiveMqCliException)
            {
            }
            return $"{sender} -> {receiver}: {e.Message}{Environment.NewLine}{Tail(e.Output)}";
        }
        ConsumeResult received;
        try
        {
            received = await consuming;
        }
        catch (ActiveMqCliException e)
        {
            return $"{sender} -> {receiver}: {e.Message}{Environment.NewLine}{Tail(e.Output)}";
        }
        if (produced != 1) return $"{sender} -> {receiver}: the producer on {senderUrl} reported {produced} messages";
        if (!received.Bodies.Contains(body))
            return $"{sender} -> {receiver}: the consumer on {receiverUrl} got [{string.Join(", ", received.Bodies)}]" +
                   $"{(received.TimedOut ? $" and timed out after {timeout.TotalSeconds:0} s" : "")}; expected \"{body}\" sent on {senderUrl}" +
                   $"{Environment.NewLine}{Tail(received.Output)}";
        return null;
    }

    /// <summary>
    /// The broker's OpenWire URL from the summary: its endpoint, or for an active/standby broker a failover URL over both
    /// instances (as a client of Amazon MQ connects to one), trying instance 1 first.
    /// </summary>
    string OpenWireUrl(string broker)
    {
        var endpoints = Summary.Strings(Summary.Broker(summary, broker)["openWireEndpoints"]);
        return endpoints.Count switch
        {
            0 => throw new InvalidOperationException($"the summary gives {broker} no OpenWire endpoint"),
            1 => endpoints[0],
            _ => $"failover:({string.Join(',', endpoints)})?randomize=false&startupMaxReconnectAttempts=10",
        };
    }

    static TlsMaterial TrustFrom(JsonObject summary)
    {
        var local = summary["local"] ?? throw new InvalidOperationException("the summary has no \"local\" section");
        var trustStore = (string)local["trustStore"]!;
        var passwordFile = (string)local["trustStorePasswordFile"]!;
        var pem = (string)local["certificatePem"]!;
        // The CLI only uses the trust side (ClientJvmOptions); no key store is needed, so the truststore stands in for it.
        return new TlsMaterial(trustStore, trustStore, pem, File.ReadAllText(passwordFile).Trim());
    }

    static string Tail(string output) => string.Join(Environment.NewLine, output.Split('\n').TakeLast(15));
}
