using GeoSync.Domain.Replication;
using GeoSync.Webhooks;

namespace GeoSync.Webhooks;

/// <summary>Queues each region's deploy webhooks (durably, in the outbox) when the region completes an image or a delete.</summary>
public sealed class WebhookReplicationObserver(IWebhookPublisher publisher) : IReplicationObserver
{
    /// <inheritdoc />
    public async Task RegionCompletedAsync(RegionImageNotice notice, CancellationToken cancellationToken = default)
    {
        if (notice.Digest is not { } digest)
        {
            // A delete of a tag whose digest GeoSync never announced: there is nothing a receiver could act on.
            return;
        }

        var imageNotice = new ImageNotice(
            notice.Deleted ? ImageChange.Deleted : ImageChange.Synced,
            notice.Region,
            notice.Repository,
            notice.Tag,
            digest.ToString(),
            notice.MediaType.Length == 0 ? null : notice.MediaType,
            notice.Platforms.Count == 0 ? null : notice.Platforms,
            notice.SourceRegion,
            notice.PushedAt,
            notice.CompletedAt,
            notice.TraceParent)
        {
            Referrer = notice.Referrer,
        };
        await publisher.EnqueueAsync(imageNotice, cancellationToken).ConfigureAwait(false);
    }
}
