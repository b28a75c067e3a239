using Microsoft.Extensions.Logging;

namespace GeoSync.Webhooks;

// Messages carry ids and names only: never a URL (it may hold credentials) and never a secret. Error texts come from
// WebhookSender, which redacts secret values.
public sealed partial class WebhookDispatcher
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information,
        Message = "Webhook {DeliveryId} ({WebhookId}) delivered to endpoint `{Endpoint}` of region `{Region}` on attempt {Attempt}: HTTP {StatusCode} in {DurationMs} ms")]
    private partial void LogDelivered(string deliveryId, string webhookId, string region, string endpoint, int attempt, int? statusCode, long durationMs);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning,
        Message = "Webhook {DeliveryId} ({WebhookId}) to endpoint `{Endpoint}` of region `{Region}`: attempt {Attempt} failed ({Error}); next attempt at {NextAttemptAt:O}")]
    private partial void LogRetrying(string deliveryId, string webhookId, string region, string endpoint, int attempt, string? error, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error,
        Message = "Webhook {DeliveryId} ({WebhookId}) rejected by endpoint `{Endpoint}` of region `{Region}` on attempt {Attempt} (HTTP {StatusCode}: {Error}); not retried")]
    private partial void LogRejected(string deliveryId, string webhookId, string region, string endpoint, int attempt, int? statusCode, string? error);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Error,
        Message = "Webhook {DeliveryId} ({WebhookId}) to endpoint `{Endpoint}` of region `{Region}`: attempt {Attempt} failed ({Error}) and the next would pass its maximum age; expired")]
    private partial void LogExpiredAfterAttempt(string deliveryId, string webhookId, string region, string endpoint, int attempt, string? error);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Error,
        Message = "Webhook {DeliveryId} ({WebhookId}) to endpoint `{Endpoint}` of region `{Region}` expired after {Attempts} attempts (last error: {Error})")]
    private partial void LogExpired(string deliveryId, string webhookId, string region, string endpoint, int attempts, string? error);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Error,
        Message = "Webhook {DeliveryId} ({WebhookId}) failed: endpoint `{Endpoint}` is not configured in region `{Region}`")]
    private partial void LogUnconfigured(string deliveryId, string webhookId, string region, string endpoint);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning,
        Message = "Breaker of endpoint `{Endpoint}` in region `{Region}` opened after {Failures} consecutive failures; its deliveries wait until {OpenUntil:O}")]
    private partial void LogBreakerOpened(string region, string endpoint, int failures, DateTimeOffset openUntil);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Information,
        Message = "Breaker of endpoint `{Endpoint}` in region `{Region}` closed: the probe was answered")]
    private partial void LogBreakerClosed(string region, string endpoint);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Information,
        Message = "Webhook {DeliveryId} ({WebhookId}) to endpoint `{Endpoint}` of region `{Region}`: attempt {Attempt} abandoned by shutdown; sent again once its claim runs out")]
    private partial void LogAbandoned(string deliveryId, string webhookId, string region, string endpoint, int attempt);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information,
        Message = "Webhook {DeliveryId} ({WebhookId}) to endpoint `{Endpoint}` of region `{Region}`: attempt {Attempt} (HTTP {StatusCode}) finished after the delivery was claimed again or redelivered; only the attempt was logged")]
    private partial void LogStale(string deliveryId, string webhookId, string region, string endpoint, int attempt, int? statusCode);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Error,
        Message = "Webhook dispatch pass failed; trying again in {PollInterval}")]
    private partial void LogPassFailed(Exception exception, TimeSpan pollInterval);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Error,
        Message = "Sending to endpoint `{Endpoint}` of region `{Region}` failed; its claimed deliveries are sent again once their claims run out")]
    private partial void LogEndpointFailed(Exception exception, string region, string endpoint);
}
