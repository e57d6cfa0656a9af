using System.Collections.Concurrent;
using Nob.LocalBrokers;
using BrokerStates = Nob.Core.Workflow.BrokerStates;

namespace Nob.LocalCloud.Mq;

/// <summary>
/// The brokers' JVMs: starts, reboots, stops and deletes them in the background (one lifecycle at a time per broker),
/// simulates crashes, and brings them back after a host restart. The broker's state in <see cref="MqStore"/> says where
/// each one is; requests only change that state and hand the work here.
/// </summary>
internal sealed class BrokerRuntime(MqContext context, MqStore store)
{
    private readonly MqContext _context = context;
    private readonly MqStore _store = store;
    private readonly Dictionary<string, BrokerProcess> _processes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _restarting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _lifecycles = new(StringComparer.Ordinal);
    private readonly List<Task> _tasks = [];
    private readonly CancellationTokenSource _shutdown = new();
    private bool _stopping;

    /// <summary>Brings the brokers back after a host restart: restarts RUNNING ones, finishes creations, reboots and deletions.</summary>
    public void Resume()
    {
        lock (_store.Gate)
        {
            foreach (var broker in _store.Data.Brokers)
            {
                var id = broker.Id;
                switch (broker.State)
                {
                    case BrokerStates.Running:
                        _restarting.Add(id);
                        _context.Activity.RecordBrokerState(broker.Name, id, BrokerStates.RebootInProgress);
                        Schedule($"restart of {broker.Name}", ct => RestartAfterHostStartAsync(id, ct));
                        break;
                    case BrokerStates.CreationInProgress:
                        Schedule($"creation of {broker.Name}", ct => CreateAsync(id, ct));
                        break;
                    case BrokerStates.RebootInProgress:
                        Schedule($"reboot of {broker.Name}", ct => RebootAsync(id, _context.Faults.RebootDelay, ct));
                        break;
                    case BrokerStates.DeletionInProgress:
                        Schedule($"deletion of {broker.Name}", ct => DeleteAsync(id, ct));
                        break;
                }
            }
        }
    }

    /// <summary>Waits until no broker is starting, rebooting or being deleted.</summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] pending;
            lock (_tasks)
            {
                pending = [.. _tasks.Where(t => !t.IsCompleted)];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops background work, then every broker process (in parallel). State on disk stays as it was.</summary>
    public async Task StopAsync()
    {
        Task[] pending;
        lock (_tasks)
        {
            _stopping = true;
            pending = [.. _tasks];
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or AggregateException)
        {
            // Each task logs its own failure.
        }

        List<BrokerProcess> processes;
        lock (_store.Gate)
        {
            processes = [.. _processes.Values];
            _processes.Clear();
        }

        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <summary>The state the API reports: REBOOT_IN_PROGRESS while a RUNNING broker's JVMs come back after a host restart.</summary>
    public string DisplayState(BrokerRecord b) => _restarting.Contains(b.Id) ? BrokerStates.RebootInProgress : b.State;

    /// <summary>Starts the JVM(s) of a broker just recorded in CREATION_IN_PROGRESS.</summary>
    public void BeginCreation(BrokerRecord broker)
    {
        Announce(broker, BrokerStates.CreationInProgress);
        var id = broker.Id;
        Schedule($"creation of {broker.Name}", ct => CreateAsync(id, ct));
    }

    /// <summary>Under <see cref="MqStore.Gate"/>: marks the broker REBOOT_IN_PROGRESS and reboots it in the background.</summary>
    public void BeginReboot(BrokerRecord b)
    {
        var id = b.Id;
        EnterState(b, BrokerStates.RebootInProgress);
        // The delay in force when the reboot is asked for, not when its background task gets to it (faults may change meanwhile).
        var delay = _context.Faults.RebootDelay;
        Schedule($"reboot of {b.Name}", ct => RebootAsync(id, delay, ct));
    }

    /// <summary>Under <see cref="MqStore.Gate"/>: marks the broker DELETION_IN_PROGRESS and deletes it in the background.</summary>
    public void BeginDeletion(BrokerRecord b)
    {
        var id = b.Id;
        EnterState(b, BrokerStates.DeletionInProgress);
        Schedule($"deletion of {b.Name}", ct => DeleteAsync(id, ct));
    }

    /// <summary>Under <see cref="MqStore.Gate"/>: records <paramref name="state"/> on disk and announces it.</summary>
    private void EnterState(BrokerRecord b, string state)
    {
        b.State = state;
        _store.Save();
        Announce(b, state);
    }

    /// <summary>Logs a broker's new state and records it in the activity the console shows.</summary>
    private void Announce(BrokerRecord b, string state)
    {
        _context.Log($"mq: {b.Name} ({b.Id}) {state}");
        _context.Activity.RecordBrokerState(b.Name, b.Id, state);
    }

    private sealed record StartSpec(string Name, string Xml, IReadOnlyList<BrokerUser> Users, IReadOnlyList<InstanceRecord> Instances, bool ActiveStandby);

    private async Task CreateAsync(string id, CancellationToken ct)
    {
        await UnderLifecycleLockAsync(id, async () =>
        {
            var delay = _context.Faults.StartDelay;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }

            StartSpec spec;
            lock (_store.Gate)
            {
                if (_store.FindBroker(id) is not { State: BrokerStates.CreationInProgress } b)
                {
                    return;
                }

                spec = Spec(b);
            }

            if (_context.Faults.FailsCreation(spec.Name))
            {
                SetState(id, BrokerStates.CreationFailed, "fault injected: FailCreationOf names this broker");
                return;
            }

            await StartAndRecordStateAsync(id, spec, BrokerStates.CreationFailed, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops a broker's JVM(s) without telling the API, as if the broker crashed: the record keeps its state (RUNNING
    /// stays RUNNING, as Amazon MQ keeps reporting it until its own recovery acts), its endpoints stop answering, and a
    /// RebootBroker starts it again. Null when there is no such broker; false when no JVM was running.
    /// </summary>
    public async Task<bool?> CrashAsync(string id)
    {
        lock (_store.Gate)
        {
            if (_store.FindBroker(id) is null)
            {
                return null;
            }
        }

        // Under the lifecycle lock, so a crash never interleaves with a start or reboot in progress.
        return await UnderLifecycleLockAsync(id, async () =>
        {
            bool running;
            lock (_store.Gate)
            {
                running = _processes.ContainsKey(id);
            }

            await StopProcessAsync(id).ConfigureAwait(false);
            _context.Log($"mq: {id} JVM(s) stopped through /_localcloud (simulated crash); the API still reports its state");
            return running;
        }).ConfigureAwait(false);
    }

    private async Task RebootAsync(string id, TimeSpan delay, CancellationToken ct)
    {
        await UnderLifecycleLockAsync(id, async () =>
        {
            lock (_store.Gate)
            {
                if (_store.FindBroker(id) is not { State: BrokerStates.RebootInProgress })
                {
                    return;
                }
            }

            await StopProcessAsync(id).ConfigureAwait(false);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }

            StartSpec spec;
            lock (_store.Gate)
            {
                var b = _store.FindBroker(id)!;
                if (b.Pending is { } pending)
                {
                    b.History.Add(b.Current);
                    b.Current = pending;
                    b.Pending = null;
                }

                foreach (var user in b.Users)
                {
                    user.PendingChange = null;
                    user.EncryptedPassword = user.PendingEncryptedPassword ?? user.EncryptedPassword;
                    user.ConsoleAccess = user.PendingConsoleAccess ?? user.ConsoleAccess;
                    user.Groups = user.PendingGroups ?? user.Groups;
                    (user.PendingEncryptedPassword, user.PendingConsoleAccess, user.PendingGroups) = (null, null, null);
                }

                b.SecurityGroups = b.PendingSecurityGroups ?? b.SecurityGroups;
                b.PendingSecurityGroups = null;
                b.EngineVersion = b.PendingEngineVersion ?? b.EngineVersion;
                b.PendingEngineVersion = null;
                b.HostInstanceType = b.PendingHostInstanceType ?? b.HostInstanceType;
                b.PendingHostInstanceType = null;
                _store.Save();
                spec = Spec(b);
            }

            await StartAndRecordStateAsync(id, spec, BrokerStates.CriticalActionRequired, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private async Task RestartAfterHostStartAsync(string id, CancellationToken ct)
    {
        await UnderLifecycleLockAsync(id, async () =>
        {
            StartSpec spec;
            lock (_store.Gate)
            {
                if (_store.FindBroker(id) is not { State: BrokerStates.Running } b)
                {
                    _restarting.Remove(id);
                    return;
                }

                spec = Spec(b);
            }

            var error = await StartProcessAsync(id, spec, ct).ConfigureAwait(false);
            lock (_store.Gate)
            {
                _restarting.Remove(id);
            }

            SetState(id, error is null ? BrokerStates.Running : BrokerStates.CriticalActionRequired, error);
        }, ct).ConfigureAwait(false);
    }

    private async Task DeleteAsync(string id, CancellationToken ct)
    {
        await UnderLifecycleLockAsync(id, async () =>
        {
            await StopProcessAsync(id).ConfigureAwait(false);
            _store.DeleteBrokerFiles(id);

            lock (_store.Gate)
            {
                if (_store.FindBroker(id) is { } b)
                {
                    _store.Data.Brokers.Remove(b);
                    _store.Save();
                    _context.Log($"mq: {b.Name} ({b.Id}) deleted");
                    _context.Activity.RecordBrokerState(b.Name, b.Id, "DELETED");
                }
            }
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Starts the broker's processes; returns null once they accept connections and report the start complete, else why not (with the log's last lines).</summary>
    private async Task<string?> StartProcessAsync(string id, StartSpec spec, CancellationToken ct)
    {
        BrokerProcess? process = null;
        try
        {
            process = BrokerProcess.Prepare(_context.Installation, _context.Tls, _context.BrokerOptions, Path.Combine(_store.BrokersDirectory, id),
                spec.Name, spec.Xml, spec.Users, spec.Instances, spec.ActiveStandby);
            lock (_store.Gate)
            {
                _processes[id] = process;
            }

            await process.StartAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            if (process is not null)
            {
                lock (_store.Gate)
                {
                    _processes.Remove(id);
                }

                await process.DisposeAsync().ConfigureAwait(false);
            }

            return e.Message;
        }
    }

    private async Task StopProcessAsync(string id)
    {
        BrokerProcess? process;
        lock (_store.Gate)
        {
            if (_processes.Remove(id, out process))
            {
                // stopped below
            }
        }

        if (process is not null)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    private StartSpec Spec(BrokerRecord b)
    {
        var xml = _store.CurrentXml(b);
        var users = b.Users
            .Where(u => u.PendingChange != "CREATE")
            .Select(u => new BrokerUser(u.Username, _context.Secrets.Decrypt(u.EncryptedPassword), u.Groups.Count > 0 ? u.Groups : ["admin", "users"]))
            .ToList();
        return new StartSpec(b.Name, xml, users, b.Instances, b.IsActiveStandby);
    }

    private void SetState(string id, string state, string? reason)
    {
        lock (_store.Gate)
        {
            if (_store.FindBroker(id) is not { } b)
            {
                return;
            }

            b.State = state;
            b.StatusReason = reason;
            if (state == BrokerStates.CriticalActionRequired)
            {
                b.ActionRequiredCode = "BROKER_START_FAILED";
                b.ActionRequiredInfo = "The broker did not start with its current configuration; fix the configuration and reboot. " +
                    reason?.Split('\n').FirstOrDefault();
            }
            else
            {
                b.ActionRequiredCode = null;
                b.ActionRequiredInfo = null;
            }

            _store.Save();
            _context.Log($"mq: {b.Name} ({b.Id}) {state}{(reason is null ? "" : $": {reason.Split('\n').FirstOrDefault()}")}");
            _context.Activity.RecordBrokerState(b.Name, b.Id, state);
        }
    }

    private void Schedule(string what, Func<CancellationToken, Task> work)
    {
        lock (_tasks)
        {
            if (_stopping)
            {
                return;
            }

            _tasks.RemoveAll(t => t.IsCompleted);
            var token = _shutdown.Token;
            _tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await work(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // The host is stopping; the state on disk says where to pick up.
                }
                catch (Exception e)
                {
                    _context.Log($"mq: {what} failed: {e.Message}");
                }
            }, CancellationToken.None));
        }
    }

    /// <summary>Runs <paramref name="work"/> holding the broker's lifecycle lock, so no two starts, stops or reboots of one broker interleave.</summary>
    private async Task<T> UnderLifecycleLockAsync<T>(string id, Func<Task<T>> work, CancellationToken ct = default)
    {
        var lifecycle = Lifecycle(id);
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            lifecycle.Release();
        }
    }

    private Task UnderLifecycleLockAsync(string id, Func<Task> work, CancellationToken ct) =>
        UnderLifecycleLockAsync(id, async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>Starts the broker's processes and records RUNNING, or <paramref name="failedState"/> with why not.</summary>
    private async Task StartAndRecordStateAsync(string id, StartSpec spec, string failedState, CancellationToken ct)
    {
        var error = await StartProcessAsync(id, spec, ct).ConfigureAwait(false);
        SetState(id, error is null ? BrokerStates.Running : failedState, error);
    }

    private SemaphoreSlim Lifecycle(string id) => _lifecycles.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
}
