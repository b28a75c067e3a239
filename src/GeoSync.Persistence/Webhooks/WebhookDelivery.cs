namespace GeoSync.Persistence.Webhooks;

/// <summary>Where a deploy-webhook delivery stands. Only <see cref="Pending"/> rows are ever sent.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for its next attempt (or being attempted right now under a claim).</summary>
    Pending,

    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,

    /// <summary>The endpoint answered a final 4xx (or is no longer configured); not retried unless redelivered.</summary>
    Failed,

    /// <summary>Retries stopped because the delivery outlived its maximum age.</summary>
    Expired,
}

/// <summary>A delivery to put into the outbox: one CloudEvent for one endpoint of one region.</summary>
/// <param name="DeliveryId">Unique id of this outbox row (time-ordered, e.g. a version 7 GUID).</param>
/// <param name="WebhookId">The Standard Webhooks <c>webhook-id</c>, stable per region, endpoint and image; the outbox
/// ignores a second delivery with the same webhook id, so enqueueing is idempotent.</param>
/// <param name="Region">The region that became Synced (or deleted the image).</param>
/// <param name="Endpoint">The endpoint's name in the region's topology (never its URL, which may hold credentials).</param>
/// <param name="EventType">The CloudEvent type, e.g. <c>io.geosync.image.synced</c>.</param>
/// <param name="Repository">The image's repository.</param>
/// <param name="Tag">The image's tag; null for an event about a digest only (a delete by digest).</param>
/// <param name="Digest">The image's manifest digest.</param>
/// <param name="Payload">The CloudEvent body exactly as it is sent and signed.</param>
/// <param name="TraceParent">W3C traceparent of the trace that produced the event, or null.</param>
/// <param name="CreatedAt">When the delivery was queued; due at once.</param>
/// <param name="ExpiresAt">After this, the delivery is Expired instead of retried.</param>
public sealed record NewWebhookDelivery(
    string DeliveryId,
    string WebhookId,
    string Region,
    string Endpoint,
    string EventType,
    string Repository,
    string? Tag,
    string Digest,
    string Payload,
    string? TraceParent,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>An outbox row as stored; the fields of <see cref="NewWebhookDelivery"/> plus its delivery state.</summary>
/// <param name="DeliveryId">Unique id of the row.</param>
/// <param name="WebhookId">The <c>webhook-id</c> header value, the same on every attempt and redelivery.</param>
/// <param name="Region">The region the event is about.</param>
/// <param name="Endpoint">The endpoint's name.</param>
/// <param name="EventType">The CloudEvent type.</param>
/// <param name="Repository">The image's repository.</param>
/// <param name="Tag">The image's tag; null for an event about a digest only (a delete by digest).</param>
/// <param name="Digest">The image's manifest digest.</param>
/// <param name="Payload">The CloudEvent body as sent.</param>
/// <param name="TraceParent">W3C traceparent of the originating trace, or null.</param>
/// <param name="State">Where the delivery stands.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="UpdatedAt">When the row last changed.</param>
/// <param name="NextAttemptAt">When a Pending delivery is due.</param>
/// <param name="ExpiresAt">When a Pending delivery stops being retried.</param>
/// <param name="Attempts">Attempts started so far; a claim increments it, so a claimed row carries the number of the
/// attempt being made. A crash between sending and recording leaves a gap in the attempt log.</param>
/// <param name="LastStatusCode">HTTP status of the last recorded attempt, null when it got no response.</param>
/// <param name="LastError">Reason of the last failed attempt, without secrets.</param>
public sealed record WebhookDelivery(
    string DeliveryId,
    string WebhookId,
    string Region,
    string Endpoint,
    string EventType,
    string Repository,
    string? Tag,
    string Digest,
    string Payload,
    string? TraceParent,
    WebhookDeliveryState State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset ExpiresAt,
    int? LastStatusCode,
    string? LastError);

/// <summary>One recorded attempt to send a delivery.</summary>
/// <param name="DeliveryId">The delivery attempted.</param>
/// <param name="StartedAt">When the request started.</param>
/// <param name="DurationMs">How long until the response (or the failure), in milliseconds.</param>
/// <param name="Attempt">1-based attempt number (continues across redeliveries).</param>
/// <param name="StatusCode">HTTP status, null on a network error or timeout.</param>
/// <param name="Error">What went wrong, without secrets; null on success.</param>
public sealed record WebhookAttempt(
    string DeliveryId,
    int Attempt,
    DateTimeOffset StartedAt,
    long DurationMs,
    int? StatusCode,
    string? Error);

/// <summary>A delivery with its attempt log, oldest attempt first.</summary>
public sealed record WebhookDeliveryDetails(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>What to record after an attempt: the attempt itself and the delivery's next state.</summary>
/// <param name="Attempt">The attempt log row; its number must equal the delivery's claimed attempt number.</param>
/// <param name="State">Delivered, Failed, Expired, or Pending to retry at <paramref name="NextAttemptAt"/>.</param>
/// <param name="NextAttemptAt">When to retry (ignored unless <paramref name="State"/> is Pending).</param>
public sealed record WebhookAttemptResult(WebhookAttempt Attempt, WebhookDeliveryState State, DateTimeOffset NextAttemptAt);

/// <summary>A filter for listing deliveries; null fields match everything. Newest first.</summary>
public sealed record WebhookDeliveryQuery(
    string? Region = null,
    string? Repository = null,
    WebhookDeliveryState? State = null,
    string? Endpoint = null,
    string? Tag = null,
    int Limit = 100);

/// <summary>A region's endpoint that has deliveries due now.</summary>
public sealed record WebhookEndpointKey(string Region, string Endpoint);
