using System.Collections.Concurrent;
using System.Diagnostics;
using GeoSync.Domain.Topology;
using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using GeoSync.Domain.Text;

namespace GeoSync.Webhooks;

/// <summary>A snapshot of one endpoint as the dispatcher sees it (for status).</summary>
public sealed record WebhookEndpointStatus(string Region, string Endpoint, string Breaker, DateTimeOffset? OpenUntil, int ConsecutiveFailures, bool Sending);

/// <summary>
/// Sends the outbox's due deliveries. One supervising loop expires deliveries past their maximum age and, for each
/// endpoint with due deliveries, starts that endpoint's own sending task; endpoints never wait for each other, so a
/// slow or broken endpoint delays only itself. Each endpoint has a circuit breaker. A hosted service of the node.
/// </summary>
public sealed partial class WebhookDispatcher(
    IWebhookOutbox outbox,
    IWebhookEndpointSource endpoints,
    WebhookSender sender,
    WebhookWakeup wakeup,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<WebhookDispatcher> logger,
    Random? random = null) : IHostedService, IAsyncDisposable
{
    private readonly WebhookOptions _options = options.Value;
    private readonly Random _random = random ?? Random.Shared;
    private readonly ConcurrentDictionary<WebhookEndpointKey, EndpointCircuitBreaker> _breakers = new();
    private readonly ConcurrentDictionary<WebhookEndpointKey, Task> _sending = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private int _disposed;

    /// <summary>The endpoints this dispatcher has sent to, with their breakers.</summary>
    public IReadOnlyList<WebhookEndpointStatus> Endpoints =>
    [
        .. _breakers.Select(kv => new WebhookEndpointStatus(kv.Key.Region, kv.Key.Endpoint, kv.Value.State, kv.Value.OpenUntil,
            kv.Value.ConsecutiveFailures, _sending.ContainsKey(kv.Key))),
    ];

    /// <summary>Starts the dispatch loop in the background.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the loop and every endpoint's sending. Attempts under way are abandoned unrecorded, exactly as if the
    /// process died: their deliveries are sent again (same webhook id) once their claims run out.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Dispose();
        }
    }

    /// <summary>Runs the dispatch loop until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        // Deliveries continue the trace stored with each row, never whatever trace started the host.
        Activity.Current = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            Task signal = wakeup.Signal;
            try
            {
                await DispatchDueAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogPassFailed(e, _options.PollInterval);
            }

            try
            {
                await Task.WhenAny(signal, Task.Delay(_options.PollInterval, time, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_sending.Values).ConfigureAwait(false);
    }

    private async Task DispatchDueAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach (WebhookDelivery expired in await outbox.ExpireAsync(now, cancellationToken).ConfigureAwait(false))
        {
            WebhookTelemetry.CountOutcome(WebhookTelemetry.Outcomes.Expired, expired.Region, expired.Endpoint);
            LogExpired(expired.DeliveryId, expired.WebhookId, expired.Region, expired.Endpoint, expired.Attempts, LogText.Escape(expired.LastError));
        }

        foreach (WebhookEndpointKey key in await outbox.ListDueEndpointsAsync(now, cancellationToken).ConfigureAwait(false))
        {
            EndpointCircuitBreaker breaker = BreakerOf(key);
            if (breaker.IsHolding(now))
            {
                continue;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_sending.TryAdd(key, done.Task))
            {
                continue; // that endpoint's task is still at work and will claim these too
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await SendEndpointAsync(key, breaker, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _sending.TryRemove(key, out _);
                    done.SetResult();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>One endpoint's sending: claims its due deliveries, a batch at a time, until none is due.</summary>
    private async Task SendEndpointAsync(WebhookEndpointKey key, EndpointCircuitBreaker breaker, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                DateTimeOffset now = time.GetUtcNow();
                Webhook? endpoint = endpoints.FindWebhook(key.Region, key.Endpoint);
                int admitted = endpoint is null ? _options.MaxConcurrencyPerEndpoint : breaker.Admit(now, _options.MaxConcurrencyPerEndpoint);
                if (admitted == 0)
                {
                    return;
                }

                DateTimeOffset lease = now + (endpoint?.Timeout ?? TimeSpan.Zero) + _options.LeaseMargin;
                IReadOnlyList<WebhookDelivery> claimed = await outbox.ClaimDueAsync(key, now, lease, admitted, cancellationToken).ConfigureAwait(false);
                if (claimed.Count == 0)
                {
                    breaker.CancelProbe();
                    return;
                }

                await Task.WhenAll(claimed.Select(d => endpoint is null
                    ? FailUnconfiguredAsync(d)
                    : AttemptAsync(d, endpoint, breaker, cancellationToken))).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: claimed deliveries are sent again once their claims run out.
        }
        catch (Exception e)
        {
            breaker.CancelProbe();
            LogEndpointFailed(e, key.Region, key.Endpoint);
        }
    }

    private EndpointCircuitBreaker BreakerOf(WebhookEndpointKey key) =>
        _breakers.GetOrAdd(key, _ => new EndpointCircuitBreaker(_options.BreakerFailureThreshold, _options.BreakDuration));

    private async Task FailUnconfiguredAsync(WebhookDelivery delivery)
    {
        DateTimeOffset now = time.GetUtcNow();
        string error = $"endpoint `{delivery.Endpoint}` is not configured in region `{delivery.Region}`";
        var attempt = new WebhookAttempt(delivery.DeliveryId, delivery.Attempts, now, 0, null, error);
        await outbox.RecordAttemptAsync(new WebhookAttemptResult(attempt, WebhookDeliveryState.Failed, now), now, CancellationToken.None).ConfigureAwait(false);
        WebhookTelemetry.CountOutcome(WebhookTelemetry.Outcomes.Failed, delivery.Region, delivery.Endpoint);
        LogUnconfigured(delivery.DeliveryId, delivery.WebhookId, delivery.Region, delivery.Endpoint);
    }
}
