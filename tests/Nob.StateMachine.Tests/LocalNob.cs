using System.Diagnostics;
using Nob.Core.Verification;

namespace Nob.StateMachine.Tests;

/// <summary>
/// nob's state machines from template.yaml, run locally with the real handler classes over the in-memory fakes of
/// Amazon MQ, EC2, SSM (password and network records) and the brokers' message paths. Every machine shares the fakes,
/// the event list and the handlers' services, so one test can build, check and tear down the same network.
/// </summary>
internal sealed class LocalNob
{
    public const string Password = "s3cret-Passw0rd";

    public FakeBrokerService Mq { get; } = new() { SettleAfterDescribes = 3 };
    public FakeSecurityGroups Ec2 { get; } = new();
    public FakeParameters Ssm { get; } = new();
    public FakeNetworkStore Networks { get; } = new();
    public FakeMessageProbe Probe { get; } = FakeMessageProbe.Connected();

    /// <summary>The networks' locks, and the executions that run (a holder not in it has ended).</summary>
    public FakeLockStore Locks { get; } = new();
    public FakeExecutionStatus Executions { get; } = new();

    /// <summary>Every EventBridge event put by any execution (children included), in order.</summary>
    public List<PutEventsEntry> Events { get; } = [];

    /// <summary>Held around every call into the fakes, and to change them while executions run.</summary>
    public Lock Gate { get; } = new();

    /// <summary>What a test puts between the handlers and the Amazon MQ fake (a fault), inside the one-at-a-time gate; set before the first machine.</summary>
    public Func<IBrokerService, IBrokerService> WrapBrokers { get; init; } = brokers => brokers;

    /// <summary>The same for the EC2 fake.</summary>
    public Func<ISecurityGroupService, ISecurityGroupService> WrapSecurityGroups { get; init; } = groups => groups;

    /// <summary>The same for the SSM fake.</summary>
    public Func<IParameterStore, IParameterStore> WrapParameters { get; init; } = parameters => parameters;

    /// <summary>The handlers' clock: real time, as on Lambda, unless a test whose fakes settle on the waits' virtual clock gives that one.</summary>
    public TimeProvider HandlerClock { get; init; } = TimeProvider.System;

    HandlerFactory? factory;
    readonly ITestOutputHelper log;

    public LocalNob(ITestOutputHelper log, params string[] networks)
    {
        this.log = log;
        foreach (var network in networks) Ssm.Values[$"/nob/{network}/password"] = Password;
        Ec2.Vpcs["sg-1"] = "vpc-1";
    }

    /// <summary>The handlers' services, made once (after the initializer set any wrappers): every machine shares them, as one warm process.</summary>
    HandlerFactory Factory =>
        // Map iterations call the fakes concurrently; the fakes are not thread-safe, so calls go one at a time. The
        // workflow's waits run on a virtual clock; the handlers run in real time, as on Lambda (the bridge verifier's
        // timeout must not be fired early by the virtual clock). The template's environment variables are not applied:
        // the handlers get every port from here (no verifier security group: CheckDrift and OpenIngress get null).
        factory ??= HandlerFactories.FromServices(
            Synchronized<IBrokerService>.Wrap(WrapBrokers(Mq), Gate), Synchronized<ISecurityGroupService>.Wrap(WrapSecurityGroups(Ec2), Gate),
            Synchronized<IParameterStore>.Wrap(WrapParameters(Ssm), Gate), Synchronized<INetworkStore>.Wrap(Networks, Gate), (IMessageProbe)Probe,
            HandlerClock, Locks, Executions);

    /// <param name="clock">The workflow's waits' clock, for a test that reads the delays; by default one of the machine's own.</param>
    public LocalStateMachine Machine(string logicalId, Action<HistoryEvent>? onEvent = null, ManualClock? clock = null) =>
        LocalStateMachine.FromTemplate(Repo.PathOf("template.yaml"), logicalId, Factory,
            new LocalStateMachineOptions
            {
                TimeProvider = clock ?? ManualClock.AutoAdvancing(),
                Random = () => 0.5,
                OnEvent = onEvent,
                OnPutEvents = (entries, _) =>
                {
                    lock (Events) Events.AddRange(entries);
                    return Task.CompletedTask;
                },
            },
            new InProcessLambdaOptions { EnvironmentVariables = EnvironmentHandling.Ignore });

    public async Task<ExecutionResult> RunAsync(string logicalId, string input, Action<HistoryEvent>? onEvent = null)
    {
        var watch = Stopwatch.StartNew();
        var result = await Machine(logicalId, onEvent).ExecuteAsync(input);
        log.WriteLine($"{logicalId}: {result.Status} in {watch.ElapsedMilliseconds} ms, {result.StateTransitions} state transitions ({result.TotalStateTransitions} with children), {result.Retries} retries");
        if (!result.IsSucceeded) log.WriteLine(result.Explain());
        return result;
    }

    /// <summary>Builds a network and expects success.</summary>
    public async Task<ExecutionResult> BuildAsync(string spec)
    {
        var result = await RunAsync("BuildNetworkStateMachine", spec);
        Assert.True(result.IsSucceeded, result.Explain());
        return result;
    }

    public static string StatesEntered(ExecutionResult result) =>
        string.Join(", ", result.History.Where(e => e.IsStateEntered).GroupBy(e => e.StateName).Select(g => $"{g.Key}={g.Count()}"));
}
