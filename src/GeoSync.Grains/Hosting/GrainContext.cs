using GeoSync.Persistence;

namespace GeoSync.Grains.Hosting;

/// <summary>What the host gives a grain: its key, the factory to reach other grains, its state storage and timers.</summary>
public sealed class GrainContext
{
    private readonly GrainHost _host;
    private readonly string _grainType;
    private readonly List<IDisposable> _timers = [];

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
    /// with the activation; persistent wake-ups are reminders.
    /// </summary>
    public IDisposable RegisterTimer<TGrainInterface>(Func<TGrainInterface, Task> callback, TimeSpan dueTime)
        where TGrainInterface : class, IGrain
    {
        var cts = new CancellationTokenSource();
        ITimer timer = _host.TimeProvider.CreateTimer(
            _ =>
            {
                if (!cts.IsCancellationRequested)
                {
                    _ = _host.RunTimerAsync(_grainType, Key, callback);
                }
            },
            null,
            dueTime,
            Timeout.InfiniteTimeSpan);
        var registration = new TimerRegistration(timer, cts);
        lock (_timers)
        {
            _timers.Add(registration);
        }

        return registration;
    }

    internal void DisposeTimers()
    {
        lock (_timers)
        {
            foreach (IDisposable timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }
    }

    private sealed class TimerRegistration(ITimer timer, CancellationTokenSource cts) : IDisposable
    {
        public void Dispose()
        {
            cts.Cancel();
            timer.Dispose();
            cts.Dispose();
        }
    }
}
