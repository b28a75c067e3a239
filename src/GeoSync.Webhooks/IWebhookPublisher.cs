using GeoSync.Persistence.Webhooks;

namespace GeoSync.Webhooks;

/// <summary>
/// What the engine calls: when a region becomes Synced for an image (or applies a delete), <see cref="EnqueueAsync"/>
/// queues one signed CloudEvent for each of the region's endpoints whose filters match, durably, and wakes the
/// <see cref="WebhookDispatcher"/>. Calling it again for the same notice is harmless (same webhook ids).
/// </summary>
public interface IWebhookPublisher
{
    /// <summary>Queues the notice's deliveries; returns the rows queued (new and already present alike).</summary>
    Task<IReadOnlyList<NewWebhookDelivery>> EnqueueAsync(ImageNotice notice, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a delivery again, whatever its state, with the same webhook id and body and a fresh maximum age;
    /// returns the re-queued row, or null when the delivery is unknown.
    /// </summary>
    Task<WebhookDelivery?> RedeliverAsync(string deliveryId, CancellationToken cancellationToken = default);
}
