using System.Diagnostics;
using GeoSync.Domain.Topology;
using GeoSync.Persistence.Webhooks;
using GeoSync.Domain.Text;

namespace GeoSync.Webhooks;

public sealed partial class WebhookDispatcher
{
    /// <summary>One attempt of a claimed delivery: send, decide the next state, count, then record.</summary>
    private async Task AttemptAsync(WebhookDelivery delivery, Webhook endpoint, EndpointCircuitBreaker breaker, CancellationToken cancellationToken)
    {
        DateTimeOffset started = time.GetUtcNow();
        using Activity? activity = StartActivity(delivery);
        WebhookSendResult result;
        try
        {
            // With a listener, the receiver's parent span is this attempt; without, the stored trace is passed on as is.
            result = await sender.SendAsync(delivery, endpoint, activity?.Id ?? delivery.TraceParent, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(delivery.DeliveryId, delivery.WebhookId, delivery.Region, delivery.Endpoint, delivery.Attempts);
            throw;
        }

        DateTimeOffset now = time.GetUtcNow();
        (WebhookDeliveryState state, DateTimeOffset next) = Decide(delivery, result, now);
        // A final 4xx is an answer from a working endpoint: it resets the breaker rather than counting against it.
        BreakerTransition transition = breaker.Record(result.Kind != WebhookAttemptKind.Retry, now);
        var attempt = new WebhookAttempt(delivery.DeliveryId, delivery.Attempts, started, (long)result.Duration.TotalMilliseconds, result.StatusCode, result.Error);

        // Once a response is in, record it even during shutdown: a recorded outcome spares the receiver a duplicate.
        bool current = await outbox.RecordAttemptAsync(new WebhookAttemptResult(attempt, state, next), now, CancellationToken.None).ConfigureAwait(false);

        string outcome = state switch
        {
            WebhookDeliveryState.Delivered => WebhookTelemetry.Outcomes.Delivered,
            WebhookDeliveryState.Failed => WebhookTelemetry.Outcomes.Failed,
            WebhookDeliveryState.Expired => WebhookTelemetry.Outcomes.Expired,
            _ => WebhookTelemetry.Outcomes.Retry,
        };
        WebhookTelemetry.CountOutcome(outcome, delivery.Region, delivery.Endpoint);
        WebhookTelemetry.RecordDuration(result.Duration.TotalMilliseconds, delivery.Region, delivery.Endpoint);
        activity?.SetTag("http.response.status_code", result.StatusCode);
        activity?.SetTag("geosync.webhook.outcome", outcome);
        if (state != WebhookDeliveryState.Delivered)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }

        LogAttempt(delivery, attempt, state, next, current);
        if (transition == BreakerTransition.Opened)
        {
            LogBreakerOpened(delivery.Region, delivery.Endpoint, breaker.ConsecutiveFailures, breaker.OpenUntil ?? now);
        }
        else if (transition == BreakerTransition.Closed)
        {
            LogBreakerClosed(delivery.Region, delivery.Endpoint);
        }
    }

    private (WebhookDeliveryState State, DateTimeOffset Next) Decide(WebhookDelivery delivery, WebhookSendResult result, DateTimeOffset now)
    {
        switch (result.Kind)
        {
            case WebhookAttemptKind.Delivered:
                return (WebhookDeliveryState.Delivered, now);
            case WebhookAttemptKind.Final:
                return (WebhookDeliveryState.Failed, now);
            default:
                TimeSpan delay;
                lock (_random)
                {
                    delay = WebhookRetryPolicy.Delay(delivery.Attempts, _options.BaseDelay, _options.MaxDelay, _random, result.RetryAfter);
                }

                DateTimeOffset next = now + delay;
                return next >= delivery.ExpiresAt ? (WebhookDeliveryState.Expired, now) : (WebhookDeliveryState.Pending, next);
        }
    }

    private static Activity? StartActivity(WebhookDelivery delivery)
    {
        ActivityContext.TryParse(delivery.TraceParent, null, isRemote: true, out ActivityContext parent);
        Activity? activity = WebhookTelemetry.Source.StartActivity("webhook deliver", ActivityKind.Client, parent);
        activity?.SetTag("geosync.region", delivery.Region);
        activity?.SetTag("geosync.webhook.endpoint", delivery.Endpoint);
        activity?.SetTag("geosync.webhook.delivery_id", delivery.DeliveryId);
        activity?.SetTag("geosync.webhook.id", delivery.WebhookId);
        activity?.SetTag("geosync.webhook.attempt", delivery.Attempts);
        activity?.SetTag("geosync.repository", delivery.Repository);
        return activity;
    }

    private void LogAttempt(WebhookDelivery d, WebhookAttempt a, WebhookDeliveryState state, DateTimeOffset next, bool current)
    {
        if (!current)
        {
            LogStale(d.DeliveryId, d.WebhookId, d.Region, d.Endpoint, a.Attempt, a.StatusCode);
            return;
        }

        switch (state)
        {
            case WebhookDeliveryState.Delivered:
                LogDelivered(d.DeliveryId, d.WebhookId, d.Region, d.Endpoint, a.Attempt, a.StatusCode, a.DurationMs);
                break;
            case WebhookDeliveryState.Failed:
                LogRejected(d.DeliveryId, d.WebhookId, d.Region, d.Endpoint, a.Attempt, a.StatusCode, LogText.Escape(a.Error));
                break;
            case WebhookDeliveryState.Expired:
                LogExpiredAfterAttempt(d.DeliveryId, d.WebhookId, d.Region, d.Endpoint, a.Attempt, LogText.Escape(a.Error));
                break;
            default:
                LogRetrying(d.DeliveryId, d.WebhookId, d.Region, d.Endpoint, a.Attempt, LogText.Escape(a.Error), next);
                break;
        }
    }
}
