using System.Diagnostics.Metrics;
using GeoSync.Persistence;
using GeoSync.Persistence.Webhooks;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// The host's own meter (<see cref="MeterName"/>, made by the node's <see cref="IMeterFactory"/>, so that nodes
/// sharing a process each export their own): observable gauges for the inbox backlog (events not yet applied) and
/// the webhook outbox backlog (Pending deliveries). The database is read at most once per
/// <see cref="RefreshInterval"/>, before a scrape; the gauges report the cached values.
/// </summary>
public sealed class HostMetrics : IDisposable
{
    /// <summary>Name of the host's meter.</summary>
    public const string MeterName = "GeoSync.Host";

    /// <summary>Minimum time between two backlog reads from the database.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly IEventInbox _inbox;
    private readonly IWebhookOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private long _inboxBacklog;
    private long _outboxBacklog;
    private long _refreshedAt = long.MinValue;

    public HostMetrics(IEventInbox inbox, IWebhookOutbox outbox, TimeProvider time, IMeterFactory meters)
    {
        _inbox = inbox;
        _outbox = outbox;
        _time = time;
        Meter = meters.Create(MeterName);
        Meter.CreateObservableGauge("geosync.inbox.backlog", () => Interlocked.Read(ref _inboxBacklog), "{event}", "Accepted events not yet applied by their repository");
        Meter.CreateObservableGauge("geosync.webhooks.outbox.backlog", () => Interlocked.Read(ref _outboxBacklog), "{delivery}", "Deploy-webhook deliveries still Pending");
    }

    /// <summary>The host's meter.</summary>
    public Meter Meter { get; }

    /// <summary>Reads both backlogs unless they were read less than <see cref="RefreshInterval"/> ago.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_refreshedAt != long.MinValue && _time.GetElapsedTime(_refreshedAt) < RefreshInterval)
            {
                return;
            }

            Interlocked.Exchange(ref _inboxBacklog, await _inbox.CountPendingAsync(cancellationToken).ConfigureAwait(false));
            Interlocked.Exchange(ref _outboxBacklog, await _outbox.CountPendingAsync(null, cancellationToken).ConfigureAwait(false));
            _refreshedAt = _time.GetTimestamp();
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The meter is the factory's to dispose.</summary>
    public void Dispose() => _refresh.Dispose();
}
