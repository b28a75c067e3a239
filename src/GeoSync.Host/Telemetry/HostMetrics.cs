using System.Diagnostics.Metrics;
using GeoSync.Host.Engine;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// The host's own meter (<see cref="MeterName"/>): observable gauges for the inbox backlog (events not yet applied)
/// and the webhook outbox backlog (Pending deliveries). The database is read at most once per
/// <see cref="RefreshInterval"/>, before a scrape; the gauges report the cached values.
/// </summary>
public sealed class HostMetrics : IDisposable
{
    /// <summary>Name of the host's meter.</summary>
    public const string MeterName = "GeoSync.Host";

    /// <summary>Minimum time between two backlog reads from the database.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly GeoSyncEngine _engine;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private long _inbox;
    private long _outbox;
    private long _refreshedAt = long.MinValue;

    public HostMetrics(GeoSyncEngine engine)
    {
        _engine = engine;
        Meter = new Meter(MeterName);
        Meter.CreateObservableGauge("geosync.inbox.backlog", () => Interlocked.Read(ref _inbox), "{event}", "Accepted events not yet applied by their repository");
        Meter.CreateObservableGauge("geosync.webhooks.outbox.backlog", () => Interlocked.Read(ref _outbox), "{delivery}", "Deploy-webhook deliveries still Pending");
    }

    /// <summary>The host's meter.</summary>
    public Meter Meter { get; }

    /// <summary>Reads both backlogs unless they were read less than <see cref="RefreshInterval"/> ago.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        TimeProvider clock = _engine.Options.TimeProvider;
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_refreshedAt != long.MinValue && clock.GetElapsedTime(_refreshedAt) < RefreshInterval)
            {
                return;
            }

            Interlocked.Exchange(ref _inbox, await _engine.Database.Inbox.CountPendingAsync(cancellationToken).ConfigureAwait(false));
            Interlocked.Exchange(ref _outbox, await _engine.Database.WebhookOutbox.CountPendingAsync(null, cancellationToken).ConfigureAwait(false));
            _refreshedAt = clock.GetTimestamp();
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose()
    {
        Meter.Dispose();
        _refresh.Dispose();
    }
}
