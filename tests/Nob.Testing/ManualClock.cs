namespace Nob.Testing;

/// <summary>
/// A clock that moves only when a test says: <see cref="AdvanceTo"/> fires the timers that fall due on the way, in order,
/// each with the clock at its due time (a periodic timer is due again a period later), so timed
/// <see cref="CancellationTokenSource"/>s and delays end then. <see cref="WaitForTimersAsync"/> lets a test wait (bounded)
/// until the code under test is waiting on the clock, so each step happens at a known time.
/// <see cref="AutoAdvancing"/> makes the other kind: a clock on which nobody waits.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<TimeSpan> _delays = [];
    private DateTimeOffset _now = start;

    public ManualClock()
        : this(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Every timer fires at once, moving the clock forward by its due time (see <see cref="AutoAdvancing"/>).</summary>
    private bool AdvancesByItself { get; init; }

    /// <summary>
    /// A clock on which every timer fires at once and moves the clock forward by its due time, so waits and retry delays
    /// take no real time and are recorded in <see cref="Delays"/>. (Concurrent waits add up: the clock is one line, not
    /// one per waiter.) Its timestamps are the system's, as elapsed-time measurements of real work expect.
    /// </summary>
    public static ManualClock AutoAdvancing(DateTimeOffset? start = null) =>
        new(start ?? new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)) { AdvancesByItself = true };

    /// <summary>Of an <see cref="AutoAdvancing"/> clock: every delay awaited on it, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => AdvancesByItself ? base.LocalTimeZone : TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => AdvancesByItself ? base.TimestampFrequency : TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => AdvancesByItself ? base.GetTimestamp() : GetUtcNow().UtcTicks;

    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <summary>The due times of the timers set now, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> DueTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Select(t => t.Due).Order()];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (AdvancesByItself)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return new InertTimer();
            }
            lock (_gate)
            {
                _delays.Add(dueTime);
                _now += dueTime;
            }
            ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);
            return new InertTimer();
        }
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Waits until <paramref name="count"/> timers are set (at most 10 s of real time; polling, bounded).</summary>
    public async Task WaitForTimersAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (PendingTimers < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"expected {count} timer(s) on the clock, found {PendingTimers}");
            }

            await Task.Delay(5);
        }
    }

    public void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (next.Due > _now)
                {
                    _now = next.Due;
                }

                if (next.Period is { } period)
                {
                    next.Due += period;
                }
                else
                {
                    _timers.Remove(next);
                }
            }

            next.Fire();
        }
    }

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        AdvanceTo(GetUtcNow() + by);
    }

    /// <summary>An auto-advancing clock's timer: it has fired already, or never will.</summary>
    private sealed class InertTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = clock._now + dueTime;
                    Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
                    clock._timers.Add(this);
                }

                return true;
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
