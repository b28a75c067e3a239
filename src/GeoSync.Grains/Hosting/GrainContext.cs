using GeoSync.Persistence;

namespace GeoSync.Grains.Hosting;

/// <summary>What the host gives a grain: its key, the factory to reach other grains, its state storage and timers.</summary>
public sealed class GrainContext
{
    private readonly GrainHost _host;
    private readonly string _grainType;
    private readonly List<TimerRegistration> _timers = [];

    internal GrainContext(GrainHost host, string grainType, string key)
    {
        _host = host;
        _grainType = grainType;
        Key = key;
    }

    /// <summary>The grain's key.</summary>
    public string Key { get; }

    /// <summary>Reaches other grains (and this one, from outside a turn).</summary>
    public IGrainFactory GrainFactory => _host;

    /// <summary>The host's clock.</summary>
    public TimeProvider TimeProvider => _host.TimeProvider;

    /// <summary>Signalled when the host stops: background work of the grain should end.</summary>
    public CancellationToken HostStopping => _host.Stopping;

    /// <summary>The grain's persisted state, read and written with an ETag through <see cref="IGrainStateStore"/>.</summary>
    public PersistentState<TState> CreateState<TState>(Func<TState> initial)
        where TState : class =>
        new(_host.StateStore, _grainType, Key, initial);

    /// <summary>
    /// Calls <paramref name="callback"/> as a turn of this grain after <paramref name="dueTime"/> (once). Timers die
    /// with the activation; persistent wake-ups are reminders. Disposing the result cancels the timer (a second
    /// dispose, or one after it fired, does nothing); a timer is forgotten once it fired or was disposed.
    /// </summary>
    public IDisposable RegisterTimer<TGrainInterface>(Func<TGrainInterface, Task> callback, TimeSpan dueTime)
        where TGrainInterface : class, IGrain
    {
        var registration = new TimerRegistration(this);
        lock (_timers)
        {
            _timers.Add(registration);
        }

        registration.Start(
            _host.TimeProvider,
            () => _ = _host.RunTimerAsync(_grainType, Key, callback),
            dueTime);
        return registration;
    }

    internal void DisposeTimers()
    {
        TimerRegistration[] timers;
        lock (_timers)
        {
            timers = [.. _timers];
        }

        foreach (TimerRegistration timer in timers)
        {
            timer.Dispose();
        }
    }

    /// <summary>Timers registered and neither fired nor disposed (a grain that re-arms its timers must not grow this).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_timers)
            {
                return _timers.Count;
            }
        }
    }

    private void Forget(TimerRegistration registration)
    {
        lock (_timers)
        {
            _timers.Remove(registration);
        }
    }

    private sealed class TimerRegistration(GrainContext context) : IDisposable
    {
        private ITimer? _timer;
        private int _done;

        public void Start(TimeProvider time, Action fire, TimeSpan dueTime)
        {
            ITimer timer = time.CreateTimer(_ => { if (Finish()) { fire(); } }, null, dueTime, Timeout.InfiniteTimeSpan);
            Volatile.Write(ref _timer, timer);
            if (Volatile.Read(ref _done) == 1)
            {
                // Disposed (or fired) while the timer was being created.
                timer.Dispose();
            }
        }

        public void Dispose() => Finish();

        /// <summary>True for the first of fire and dispose: that one forgets the registration and stops the timer.</summary>
        private bool Finish()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1)
            {
                return false;
            }

            context.Forget(this);
            Volatile.Read(ref _timer)?.Dispose();
            return true;
        }
    }
}
