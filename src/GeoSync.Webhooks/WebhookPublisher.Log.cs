using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Logging;

namespace GeoSync.Webhooks;

public sealed partial class WebhookPublisher
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information,
        Message = "Queued {Added} webhook deliveries ({Duplicates} already queued) for {EventType} in region `{Region}`: `{Repository}` `{Subject}` `{Digest}`")]
    private partial void LogQueued(string eventType, string region, string repository, string subject, string digest, int added, int duplicates);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning,
        Message = "No webhook deliveries for region `{Region}` (`{Repository}` `{Digest}`): the topology has no such region")]
    private partial void LogUnknownRegion(string region, string repository, string digest);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information,
        Message = "Webhook delivery {DeliveryId} ({WebhookId}) to endpoint `{Endpoint}` of region `{Region}` queued again (was {PreviousState})")]
    private partial void LogRedelivery(string deliveryId, string webhookId, string region, string endpoint, WebhookDeliveryState previousState);
}
