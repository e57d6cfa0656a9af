namespace Nob.Testing;

/// <summary>
/// A clock for tests: every timer fires at once and moves the clock forward by its due time, so waits and retry
/// delays take no real time and are recorded. (Concurrent waits add up: the clock is one line, not per iteration.)
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    readonly Lock gate = new();
    readonly List<TimeSpan> delays = [];
    DateTimeOffset now = start;

    public VirtualClock() : this(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)) { }

    /// <summary>Every delay awaited on this clock, in order.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (gate) return [.. delays];
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate) return now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return new Timer();
        lock (gate)
        {
            delays.Add(dueTime);
            now += dueTime;
        }
        ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);
        return new Timer();
    }

    sealed class Timer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
