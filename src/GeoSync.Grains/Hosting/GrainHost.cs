using System.Collections.Concurrent;
using GeoSync.Persistence;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Hosting;

/// <summary>
/// A small single-node grain runtime with Orleans' programming model (Orleans itself cannot be restored here; see
/// DESIGN.md). A grain is addressed by interface and string key, activated on first call, runs one message at a
/// time, and is deactivated when idle, so a hundred thousand repositories do not mean a hundred thousand live
/// objects. Grains share no state and call each other through references from <see cref="IGrainFactory"/>.
/// </summary>
public sealed partial class GrainHost : IGrainFactory, IAsyncDisposable
{
    /// <summary>How long deactivation waits for a turn still running before it gives up on the grain's last turn.</summary>
    private static readonly TimeSpan DeactivationTurnTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Type, GrainRegistration> _registrations = new();
    private readonly Dictionary<(string Type, string Key), GrainActivation> _activations = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger<GrainHost> _logger;
    private readonly ITimer _collector;

    public GrainHost(IGrainStateStore stateStore, TimeProvider timeProvider, ILogger<GrainHost> logger, GrainHostOptions? options = null)
    {
        StateStore = stateStore;
        TimeProvider = timeProvider;
        _logger = logger;
        Options = options ?? new GrainHostOptions();
        _collector = timeProvider.CreateTimer(_ => _ = CollectIdleAsync(), null, Options.CollectionPeriod, Options.CollectionPeriod);
    }

    /// <summary>Host settings.</summary>
    public GrainHostOptions Options { get; }

    internal IGrainStateStore StateStore { get; }

    internal TimeProvider TimeProvider { get; }

    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>How many grains are active now.</summary>
    public int ActivationCount
    {
        get
        {
            lock (_gate)
            {
                return _activations.Count;
            }
        }
    }

    /// <summary>Registers the implementation of a grain interface.</summary>
    public void Register<TGrainInterface>(Func<GrainContext, TGrainInterface> create)
        where TGrainInterface : class, IGrain
    {
        string typeName = typeof(TGrainInterface).Name;
        if (!_registrations.TryAdd(typeof(TGrainInterface), new GrainRegistration(typeName, ctx => create(ctx))))
        {
            throw new InvalidOperationException($"grain interface {typeName} is already registered");
        }
    }

    /// <inheritdoc />
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : class, IGrain
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        GrainRegistration registration = GetRegistration(typeof(TGrainInterface));
        return GrainReference.Create<TGrainInterface>(this, registration.TypeName, key);
    }

    /// <summary>Deactivates every idle grain now (also done periodically).</summary>
    public async Task CollectIdleAsync()
    {
        DateTimeOffset now = TimeProvider.GetUtcNow();
        List<GrainActivation> idle = [];
        lock (_gate)
        {
            foreach (((string Type, string Key) id, GrainActivation activation) in _activations)
            {
                if (activation.Calls == 0 && now - activation.LastUsed >= Options.IdleTimeout && activation.IsReadyAndIdle)
                {
                    idle.Add(activation);
                }
            }

            foreach (GrainActivation activation in idle)
            {
                _activations.Remove((activation.TypeName, activation.Key));
            }
        }

        foreach (GrainActivation activation in idle)
        {
            await DeactivateAsync(activation, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a call as one turn of the grain's activation, activating it first when needed.</summary>
    internal async Task<TResult> InvokeAsync<TResult>(Type grainInterface, string typeName, string key, Func<object, Task<TResult>> call)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        GrainActivation activation = Acquire(grainInterface, typeName, key);
        try
        {
            await activation.EnsureActivatedAsync(_stopping.Token).ConfigureAwait(false);
            await activation.Turn.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                return await call(activation.Instance).ConfigureAwait(false);
            }
            finally
            {
                activation.Turn.Release();
            }
        }
        catch (Exception ex) when (activation.ActivationFailed || ex is InconsistentStateException)
        {
            // A grain that failed to activate, or whose state another activation has overwritten, is dropped so that
            // the next call activates it afresh from the stored state (as Orleans does).
            lock (_gate)
            {
                if (_activations.TryGetValue((typeName, key), out GrainActivation? current) && ReferenceEquals(current, activation))
                {
                    _activations.Remove((typeName, key));
                }
            }

            LogActivationFailed(typeName, key, ex);
            throw;
        }
        finally
        {
            Release(activation);
        }
    }

    internal async Task RunTimerAsync<TGrainInterface>(string typeName, string key, Func<TGrainInterface, Task> callback)
        where TGrainInterface : class, IGrain
    {
        try
        {
            await InvokeAsync<bool>(typeof(TGrainInterface), typeName, key, async grain =>
            {
                await callback((TGrainInterface)grain).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The host stopped; the timer is moot.
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogTimerFailed(typeName, key, ex);
        }
    }

    /// <summary>Stops timers and deactivates every grain.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _collector.DisposeAsync().ConfigureAwait(false);
        List<GrainActivation> all;
        lock (_gate)
        {
            all = [.. _activations.Values];
            _activations.Clear();
        }

        foreach (GrainActivation activation in all)
        {
            await DeactivateAsync(activation, CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private GrainRegistration GetRegistration(Type grainInterface) =>
        _registrations.TryGetValue(grainInterface, out GrainRegistration? registration)
            ? registration
            : throw new InvalidOperationException($"no grain implementation is registered for {grainInterface.Name}");

    private GrainActivation Acquire(Type grainInterface, string typeName, string key)
    {
        lock (_gate)
        {
            if (!_activations.TryGetValue((typeName, key), out GrainActivation? activation))
            {
                GrainRegistration registration = GetRegistration(grainInterface);
                var context = new GrainContext(this, typeName, key);
                activation = new GrainActivation(typeName, key, context, registration.Create(context));
                _activations[(typeName, key)] = activation;
            }

            activation.Calls++;
            return activation;
        }
    }

    private void Release(GrainActivation activation)
    {
        lock (_gate)
        {
            activation.Calls--;
            activation.LastUsed = TimeProvider.GetUtcNow();
        }
    }

    private async Task DeactivateAsync(GrainActivation activation, CancellationToken cancellationToken)
    {
        try
        {
            activation.Context.DisposeTimers();
            if (activation.IsActivated)
            {
                // Deactivation is the grain's last turn: it waits for a turn still running (host shutdown) to end.
                if (!await activation.Turn.WaitAsync(DeactivationTurnTimeout, cancellationToken).ConfigureAwait(false))
                {
                    LogDeactivationTimedOut(activation.TypeName, activation.Key, DeactivationTurnTimeout.TotalSeconds);
                    return;
                }

                try
                {
                    await activation.Grain.OnDeactivateAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    activation.Turn.Release();
                }
            }
        }
        catch (Exception ex)
        {
            LogDeactivationFailed(activation.TypeName, activation.Key, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainType}/{GrainKey} was deactivated without its last turn: a turn still ran after {Seconds} s")]
    private partial void LogDeactivationTimedOut(string grainType, string grainKey, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain {GrainType}/{GrainKey} failed to activate")]
    private partial void LogActivationFailed(string grainType, string grainKey, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain {GrainType}/{GrainKey} failed to deactivate cleanly")]
    private partial void LogDeactivationFailed(string grainType, string grainKey, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer of grain {GrainType}/{GrainKey} failed")]
    private partial void LogTimerFailed(string grainType, string grainKey, Exception exception);

    private sealed record GrainRegistration(string TypeName, Func<GrainContext, object> Create);
}

/// <summary>Settings of the grain host.</summary>
public sealed class GrainHostOptions
{
    /// <summary>How long a grain stays active without calls before it is deactivated.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often idle grains are looked for.</summary>
    public TimeSpan CollectionPeriod { get; set; } = TimeSpan.FromSeconds(30);
}
