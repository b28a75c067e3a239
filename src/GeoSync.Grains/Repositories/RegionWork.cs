using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>What a region worker must do.</summary>
public enum RegionWorkKind
{
    /// <summary>Make the region hold the desired image and point the tag at it.</summary>
    SyncTag,

    /// <summary>Remove the tag from the region.</summary>
    DeleteTag,

    /// <summary>Remove a manifest revision link from the region.</summary>
    DeleteManifest,
}

/// <summary>One piece of work for one region.</summary>
/// <param name="Kind">Sync, delete tag or delete manifest.</param>
/// <param name="Region">The region.</param>
/// <param name="Repository">The repository.</param>
/// <param name="Key">The tag, or for <see cref="RegionWorkKind.DeleteManifest"/> the digest.</param>
/// <param name="Desired">The tag's decision (for tag work).</param>
/// <param name="Target">How the rule that selected the region treats it (for the push's source region, the gates holding it); null when no rule selects it any more.</param>
/// <param name="Digest">The digest the work is about.</param>
/// <param name="TraceParent">Trace context of the event that caused it.</param>
[Immutable]
public sealed record RegionWork(
    RegionWorkKind Kind,
    string Region,
    string Repository,
    string Key,
    DesiredTag? Desired,
    ReplicationTarget? Target,
    Digest? Digest,
    string? TraceParent = null)
{
    /// <summary>
    /// When the region's own pushes of the tag replicate, the digests GeoSync knows pushes of
    /// (<see cref="TagRecord.KnownDigests"/>): a tag naming another one may be the region's newer push. Null when its
    /// pushes do not replicate: whatever its tag names is overwritten.
    /// </summary>
    public IReadOnlyList<Digest>? KnownDigests { get; init; }
}

/// <summary>The outcome of a <see cref="RegionWork"/>.</summary>
/// <param name="Work">The work done.</param>
/// <param name="State">Synced, Deleted, Pending (waiting for a gate) or Failed.</param>
/// <param name="BytesCopied">Bytes that crossed into the region.</param>
/// <param name="Detail">Why it failed or what it waits for.</param>
/// <param name="Platforms">Platforms of the image, when it is multi-arch.</param>
[Immutable]
public sealed record RegionWorkResult(
    RegionWork Work,
    ReplicationState State,
    long BytesCopied,
    string? Detail,
    IReadOnlyList<string> Platforms)
{
    /// <summary>True when the tag holds a referrer (signature, attestation, SBOM), not a deployable image.</summary>
    public bool Referrer { get; init; }

    /// <summary>
    /// True when the attempt failed because the content is not at its source (never was, or is gone) or cannot be
    /// replicated as it is there: trying again only helps once someone puts it right, so it is given up after a while.
    /// </summary>
    public bool SourceMissing { get; init; }
}
