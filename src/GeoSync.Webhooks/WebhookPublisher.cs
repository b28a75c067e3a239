using System.Diagnostics;
using System.Text;
using GeoSync.Domain.Topology;
using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Webhooks;

/// <summary>Builds and queues deploy-webhook deliveries (see <see cref="IWebhookPublisher"/>).</summary>
public sealed partial class WebhookPublisher(
    IWebhookOutbox outbox,
    IWebhookEndpointSource endpoints,
    WebhookWakeup wakeup,
    TimeProvider time,
    ILogger<WebhookPublisher> logger) : IWebhookPublisher
{
    public async Task<IReadOnlyList<NewWebhookDelivery>> EnqueueAsync(ImageNotice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        Region? region = endpoints.FindRegion(notice.Region);
        if (region is null)
        {
            LogUnknownRegion(notice.Region, notice.Repository, notice.Digest);
            return [];
        }

        DateTimeOffset now = time.GetUtcNow();
        string? traceParent = notice.TraceParent ?? CurrentTraceParent();
        var deliveries = new List<NewWebhookDelivery>();
        IReadOnlyList<Webhook> endpointsWanted = !notice.Referrer ? region.WebhooksFor(notice.Repository, notice.Tag)
            : notice.Tag is { } tag ? region.WebhooksForReferrer(notice.Repository, tag)
            : [];
        foreach (Webhook endpoint in endpointsWanted)
        {
            string webhookId = WebhookId.For(region.Name, endpoint.Name, notice.Repository, notice.Tag, notice.Digest, notice.EventType, notice.PushedAt);
            string payload = Encoding.UTF8.GetString(WebhookCloudEvent.Build(notice, region, webhookId, endpoint.Pull));
            deliveries.Add(new NewWebhookDelivery(
                Guid.CreateVersion7(now).ToString("N"), webhookId, region.Name, endpoint.Name, notice.EventType,
                notice.Repository, notice.Tag, notice.Digest, payload, traceParent, now, now + endpoint.MaxAge));
        }

        if (deliveries.Count == 0)
        {
            return deliveries;
        }

        int added = await outbox.EnqueueAsync(deliveries, cancellationToken).ConfigureAwait(false);
        LogQueued(notice.EventType, notice.Region, LogText.Escape(notice.Repository), LogText.Escape(notice.Subject), LogText.Escape(notice.Digest), added, deliveries.Count - added);
        wakeup.Notify();
        return deliveries;
    }

    public async Task<WebhookDelivery?> RedeliverAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        WebhookDeliveryDetails? existing = await outbox.GetAsync(deliveryId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return null;
        }

        WebhookDelivery d = existing.Delivery;
        // The endpoint's current maximum age; if the endpoint is gone, the delivery's original one (its attempt will
        // then fail, saying the endpoint is not configured).
        TimeSpan maxAge = endpoints.FindWebhook(d.Region, d.Endpoint)?.MaxAge ?? (d.ExpiresAt - d.CreatedAt);
        DateTimeOffset now = time.GetUtcNow();
        WebhookDelivery? requeued = await outbox.RedeliverAsync(deliveryId, now, now + maxAge, cancellationToken).ConfigureAwait(false);
        if (requeued is not null)
        {
            LogRedelivery(requeued.DeliveryId, requeued.WebhookId, requeued.Region, requeued.Endpoint, d.State);
            wakeup.Notify();
        }

        return requeued;
    }

    private static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
}
