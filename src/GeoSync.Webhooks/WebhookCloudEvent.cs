using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using GeoSync.Domain.Topology;

namespace GeoSync.Webhooks;

/// <summary>
/// Writes a deploy webhook's body: a CloudEvents 1.0 event in structured JSON mode, written by the CloudEvents SDK.
/// The body is built once, when the delivery is queued, and sent byte for byte on every attempt (the signature
/// covers it). <c>deploy-webhook.schema.json</c> beside this file is the contract of the whole body.
/// <code>
/// { "specversion": "1.0", "type": "io.geosync.image.synced", "source": "/geosync/regions/eu", "id": "msg_…",
///   "time": "…Z", "subject": "team/app:1.2", "datacontenttype": "application/json",
///   "data": { "region": { "name": "eu", "registry": { "public": "…", "vpc": "…", "instance": { "id", "name", "cloudRegion" } } },
///             "repository", "tag", "digest", "mediaType", "platforms", "sourceRegion", "pushedAt", "syncedAt" | "deletedAt", "lagMs",
///             "pull": { "public": "…/team/app@sha256:…", "vpc": "…", "byTag": { "public": "…/team/app:1.2", "vpc": "…" } },
///             "image": "…" } }
/// </code>
/// </summary>
public static class WebhookCloudEvent
{
    private static readonly JsonEventFormatter Formatter = new(WebhookEventData.JsonOptions, default);

    /// <summary>The <c>source</c> of a region's events.</summary>
    public static string SourceOf(string region) => $"/geosync/regions/{region}";

    /// <summary>
    /// The event body for <paramref name="notice"/>, identified by <paramref name="webhookId"/>, for an endpoint that
    /// pulls over <paramref name="pull"/> (null: no single <c>image</c> field).
    /// </summary>
    public static byte[] Build(ImageNotice notice, Region region, string webhookId, RegistryNetwork? pull = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(region);
        // Attributes are written in the order they are set.
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Type = notice.EventType,
            Source = new Uri(SourceOf(region.Name), UriKind.Relative),
            Id = webhookId,
            Time = notice.AppliedAt.ToUniversalTime(),
            Subject = notice.Subject,
            DataContentType = "application/json",
            Data = WebhookEventData.Of(notice, region, pull),
        };
        return Formatter.EncodeStructuredModeMessage(cloudEvent, out _).ToArray();
    }
}
