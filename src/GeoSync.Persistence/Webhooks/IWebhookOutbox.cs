namespace GeoSync.Persistence.Webhooks;

/// <summary>
/// The durable deploy-webhook outbox and its delivery log. Delivery is at-least-once: a row is claimed under a
/// lease, sent, and only then recorded; if the sender dies in between, the lease runs out and the row is sent again
/// with the same <c>webhook-id</c>. On PostgreSQL several nodes claim concurrently (<c>FOR UPDATE SKIP LOCKED</c>);
/// SQLite serves one process.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Commits deliveries; returns how many were new (a webhook id already in the outbox is ignored).</summary>
    Task<int> EnqueueAsync(IReadOnlyList<NewWebhookDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Endpoints with Pending, unexpired, unclaimed deliveries due at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<WebhookEndpointKey>> ListDueEndpointsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> of an endpoint's due deliveries, oldest due first, until
    /// <paramref name="leaseUntil"/>: increments each row's attempt count and returns the rows as claimed.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(
        WebhookEndpointKey endpoint,
        DateTimeOffset now,
        DateTimeOffset leaseUntil,
        int limit,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores an attempt and moves its delivery to the result's state, releasing the claim. Returns false when the
    /// delivery was meanwhile claimed again or redelivered (its attempt number moved on): then only the attempt log
    /// row is written, so a stale sender never overwrites a newer attempt's outcome.
    /// </summary>
    Task<bool> RecordAttemptAsync(WebhookAttemptResult result, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Marks Pending, unclaimed deliveries whose maximum age has passed Expired; returns them.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ExpireAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>One delivery with its attempts, or null when unknown.</summary>
    Task<WebhookDeliveryDetails?> GetAsync(string deliveryId, CancellationToken cancellationToken = default);

    /// <summary>Deliveries matching the query, newest first, each with its attempts.</summary>
    Task<IReadOnlyList<WebhookDeliveryDetails>> ListAsync(WebhookDeliveryQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a delivery again, whatever its state: Pending, due at <paramref name="now"/>, unclaimed, with a new
    /// maximum age. Keeps its webhook id, payload and attempt log. Returns the row, or null when unknown.
    /// </summary>
    Task<WebhookDelivery?> RedeliverAsync(string deliveryId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Pending deliveries (the outbox backlog), optionally of one region.</summary>
    Task<long> CountPendingAsync(string? region = null, CancellationToken cancellationToken = default);
}
