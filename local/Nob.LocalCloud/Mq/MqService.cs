using System.Text.Json.Nodes;
using Nob.LocalBrokers;
using Nob.LocalCloud.Ec2;
using Nob.LocalCloud.Http;
using Nob.LocalCloud.Storage;

namespace Nob.LocalCloud.Mq;

/// <summary>What the Amazon MQ side needs from its host.</summary>
internal sealed record MqContext(
    string DataDirectory,
    SecretBox Secrets,
    Ec2Store Ec2,
    LocalCloudFaults Faults,
    ActiveMqInstallation Installation,
    TlsMaterial Tls,
    LocalBrokerOptions BrokerOptions,
    string Region,
    string AccountId,
    Func<Uri> Endpoint,
    Action<string> Log)
{
    /// <summary>Where request counts and broker state changes are recorded (<c>/_localcloud/activity</c>).</summary>
    public LocalCloudActivity Activity { get; init; } = new();
}

/// <summary>
/// Amazon MQ's rest-json API (2017-11-27) over real ActiveMQ processes. Requests change the state at once and answer
/// at once; broker processes start, reboot and stop in the background, and the broker's state says where they are.
/// Puts the parts together: <see cref="MqRoutes"/> dispatches to the operations, which check requests with
/// <see cref="MqRequestValidation"/>, keep state in <see cref="MqStore"/> and hand process work to <see cref="BrokerRuntime"/>.
/// </summary>
internal sealed class MqService
{
    private readonly BrokerRuntime _runtime;
    private readonly MqOperations _operations;

    public MqService(MqContext context)
    {
        var store = new MqStore(context.DataDirectory, context.Region, context.AccountId);
        _runtime = new BrokerRuntime(context, store);
        _operations = new MqOperations(
            new BrokerOperations(context, store, _runtime, new ConsoleEditFault(context, store)),
            new UserOperations(context, store),
            new ConfigurationOperations(store));
    }

    /// <summary>Brings the brokers back after a host restart: restarts RUNNING ones, finishes creations, reboots and deletions.</summary>
    public void Resume() => _runtime.Resume();

    /// <summary>Waits until no broker is starting, rebooting or being deleted.</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken) => _runtime.WaitForIdleAsync(cancellationToken);

    /// <summary>Stops background work, then every broker process (in parallel). State on disk stays as it was.</summary>
    public Task StopAsync() => _runtime.StopAsync();

    /// <inheritdoc cref="BrokerRuntime.CrashAsync"/>
    public Task<bool?> CrashAsync(string id) => _runtime.CrashAsync(id);

    /// <summary>A plain-text status page for one broker instance (its <c>consoleURL</c>).</summary>
    public string? ConsoleText(string brokerId, int instance) => _operations.Brokers.ConsoleText(brokerId, instance);

    /// <summary>Answers one request (path below <c>/v1/</c>); throws <see cref="ServiceError"/> for errors.</summary>
    public JsonObject Handle(string method, IReadOnlyList<string> path, Func<string, string?> query, JsonObject body)
    {
        var route = MqRoutes.Find(method, path)
            ?? throw new ServiceError(404, "NotFoundException", $"The local Amazon MQ endpoint has no operation for {method} /v1/{string.Join('/', path)}");
        try
        {
            return route.Handler(_operations, new MqCall(path, query, body));
        }
        catch (ServiceError e) when (e.Code == Json.SerializationError)
        {
            throw new ServiceError(400, "BadRequestException", e.Message, e.ErrorAttribute);
        }
    }
}
