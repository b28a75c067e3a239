using GeoSync.Domain.Content;

namespace GeoSync.Domain.Replication;

/// <summary>A region now holds a complete image under its tag (or has removed a deleted one).</summary>
/// <param name="Region">The region.</param>
/// <param name="Repository">The repository.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Digest">The manifest the tag points at (for a delete: the digest it pointed at, when known).</param>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Platforms">Platforms of a multi-arch image, when known.</param>
/// <param name="SourceRegion">Where the image was pushed.</param>
/// <param name="PushedAt">The registry's timestamp of the push (or delete).</param>
/// <param name="CompletedAt">When the region became Synced (or Deleted).</param>
/// <param name="Deleted">True for a replicated delete.</param>
/// <param name="TraceParent">W3C trace context of the work, so the webhook call joins the event's trace.</param>
public sealed record RegionImageNotice(
    string Region,
    string Repository,
    string Tag,
    Digest? Digest,
    string MediaType,
    IReadOnlyList<string> Platforms,
    string SourceRegion,
    DateTimeOffset PushedAt,
    DateTimeOffset CompletedAt,
    bool Deleted,
    string? TraceParent)
{
    /// <summary>
    /// True when the manifest is a referrer (a signature, attestation or SBOM, by its <c>subject</c> or its tag) rather
    /// than a deployable image: only webhooks whose filters ask for referrers are told.
    /// </summary>
    public bool Referrer { get; init; }

    /// <summary>From push to completion in this region.</summary>
    public TimeSpan Lag => CompletedAt - PushedAt;
}

/// <summary>
/// Told when a region completes an image or a delete: the deploy-webhook outbox implements it. Must be durable when
/// it returns; the grain records that it notified only afterwards, so a crash in between notifies again (receivers
/// drop the duplicate by its stable webhook id).
/// </summary>
public interface IReplicationObserver
{
    Task RegionCompletedAsync(RegionImageNotice notice, CancellationToken cancellationToken = default);
}
