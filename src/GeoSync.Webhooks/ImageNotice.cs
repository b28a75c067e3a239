namespace GeoSync.Webhooks;

/// <summary>What happened to an image in a region.</summary>
public enum ImageChange
{
    /// <summary>The region holds the complete image and its tag points at it (<c>io.geosync.image.synced</c>).</summary>
    Synced,

    /// <summary>A replicated delete removed it from the region (<c>io.geosync.image.deleted</c>).</summary>
    Deleted,
}

/// <summary>
/// What the engine tells the webhook component when a region reaches a new state for an image: the one input from
/// which every matching endpoint's delivery is built (see <see cref="IWebhookPublisher.EnqueueAsync"/>).
/// </summary>
/// <param name="Change">Synced or Deleted.</param>
/// <param name="Region">The region that is now Synced (or deleted the image).</param>
/// <param name="Repository">The repository.</param>
/// <param name="Tag">The tag; null for a delete by digest.</param>
/// <param name="Digest">The manifest (or index) digest, <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="MediaType">The manifest's media type, when known.</param>
/// <param name="Platforms">Platforms of an index's manifests (<c>linux/amd64</c>, <c>linux/arm64/v8</c>), when known.</param>
/// <param name="SourceRegion">The region the push (or delete) came from.</param>
/// <param name="PushedAt">The registry's timestamp of the push (or delete).</param>
/// <param name="AppliedAt">When this region became Synced (or applied the delete).</param>
/// <param name="TraceParent">W3C traceparent to continue; null takes <see cref="System.Diagnostics.Activity.Current"/>.</param>
public sealed record ImageNotice(
    ImageChange Change,
    string Region,
    string Repository,
    string? Tag,
    string Digest,
    string? MediaType,
    IReadOnlyList<string>? Platforms,
    string SourceRegion,
    DateTimeOffset PushedAt,
    DateTimeOffset AppliedAt,
    string? TraceParent = null)
{
    /// <summary>True for a referrer (signature, attestation, SBOM): only endpoints whose tag patterns match it are told.</summary>
    public bool Referrer { get; init; }

    /// <summary>Replication lag: from the push to this region holding the image.</summary>
    public TimeSpan Lag => AppliedAt - PushedAt;

    /// <summary>The CloudEvent type for <see cref="Change"/>.</summary>
    public string EventType => Change == ImageChange.Synced ? WebhookEventTypes.ImageSynced : WebhookEventTypes.ImageDeleted;

    /// <summary><c>repository:tag</c>, or <c>repository@digest</c> without a tag.</summary>
    public string Subject => Tag is null ? $"{Repository}@{Digest}" : $"{Repository}:{Tag}";
}

/// <summary>CloudEvent types and media types of deploy webhooks.</summary>
public static class WebhookEventTypes
{
    public const string ImageSynced = "io.geosync.image.synced";
    public const string ImageDeleted = "io.geosync.image.deleted";

    /// <summary>Structured-mode CloudEvents JSON (CloudEvents 1.0, JSON event format).</summary>
    public const string CloudEventsJson = "application/cloudevents+json";
}
