using GeoSync.Persistence.Webhooks;

namespace GeoSync.Host.Status;

/// <summary>One deploy-webhook delivery with its attempts, as the status API shows it (no payload, no URL).</summary>
public sealed record DeliveryStatus(
    string Id,
    string WebhookId,
    string Region,
    string Endpoint,
    string EventType,
    string Repository,
    string? Tag,
    string Digest,
    string State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset ExpiresAt,
    int? LastStatusCode,
    string? LastError,
    IReadOnlyList<DeliveryAttemptStatus> AttemptLog)
{
    public static DeliveryStatus From(WebhookDeliveryDetails details)
    {
        WebhookDelivery d = details.Delivery;
        return new DeliveryStatus(
            d.DeliveryId,
            d.WebhookId,
            d.Region,
            d.Endpoint,
            d.EventType,
            d.Repository,
            d.Tag,
            d.Digest,
            d.State.ToString(),
            d.Attempts,
            d.CreatedAt,
            d.UpdatedAt,
            d.State == WebhookDeliveryState.Pending ? d.NextAttemptAt : null,
            d.ExpiresAt,
            d.LastStatusCode,
            d.LastError,
            [.. details.Attempts.Select(a => new DeliveryAttemptStatus(a.Attempt, a.StartedAt, a.DurationMs, a.StatusCode, a.Error))]);
    }
}

/// <summary>One attempt of a delivery.</summary>
public sealed record DeliveryAttemptStatus(int Attempt, DateTimeOffset StartedAt, long DurationMs, int? StatusCode, string? Error);

/// <summary>The answer of <c>GET /v1/deliveries</c>.</summary>
public sealed record DeliveryList(IReadOnlyList<DeliveryStatus> Deliveries);

/// <summary>The answer of <c>GET /v1/regions</c>.</summary>
public sealed record RegionList(IReadOnlyList<RegionOverview> Regions);
