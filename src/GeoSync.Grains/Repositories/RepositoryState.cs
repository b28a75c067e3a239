using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The persisted state of one repository: per tag, the desired digest and where each region stands. Immutable;
/// changed with <c>with</c> and written with an ETag.
/// </summary>
[Immutable]
public sealed record RepositoryState
{
    /// <summary>The inbox sequence of the last event applied; later events are read from the inbox after it.</summary>
    public long LastSequence { get; init; }

    /// <summary>Per tag: what it should point at and where each region stands.</summary>
    public ImmutableSortedDictionary<string, TagRecord> Tags { get; init; } = ImmutableSortedDictionary.Create<string, TagRecord>(StringComparer.Ordinal);

    /// <summary>Manifest revisions deleted by digest, and where each region stands with removing them.</summary>
    public ImmutableSortedDictionary<string, DeletionRecord> Deletions { get; init; } = ImmutableSortedDictionary.Create<string, DeletionRecord>(StringComparer.Ordinal);

    /// <summary>True while some region has work left (the grain keeps a reminder so a restart resumes it).</summary>
    public bool HasUnfinishedWork =>
        Tags.Values.Any(t => t.Regions.Values.Any(r => r.HasWork)) || Deletions.Values.Any(d => d.Regions.Values.Any(r => r.HasWork));
}

/// <summary>One tag: the decision of the multi-master rule and each region's progress towards it.</summary>
public sealed record TagRecord(DesiredTag Desired, ImmutableSortedDictionary<string, RegionTagRecord> Regions)
{
    private const int KnownLimit = 16;

    /// <summary>W3C trace context of the event behind the decision, carried to the regions' work and webhooks.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// Digests of this tag's pushes GeoSync has applied, the decision's and those that lost to it, most recent last. A
    /// region whose tag names any other digest holds a push whose event has not been applied yet: it may be the later
    /// one, so GeoSync does not overwrite it.
    /// </summary>
    public IReadOnlyList<Digest> KnownDigests { get; init; } = [];

    /// <summary>A new decision for the tag, remembering the digests the tag's earlier pushes named.</summary>
    public static TagRecord Decided(DesiredTag desired, ImmutableSortedDictionary<string, RegionTagRecord> regions, TagRecord? previous) =>
        new TagRecord(desired, regions) { KnownDigests = previous?.KnownDigests ?? [] }.Knowing(desired.Digest);

    /// <summary>The record with <paramref name="digest"/> known (a push of it was applied, whether it won or not).</summary>
    public TagRecord Knowing(Digest? digest) =>
        digest is not Digest pushed || KnownDigests.Contains(pushed) ? this : this with { KnownDigests = [.. KnownDigests.TakeLast(KnownLimit - 1), pushed] };
}

/// <summary>A manifest deleted by digest in its source region; regions whose rule allows deletes remove their link.</summary>
public sealed record DeletionRecord(Digest Digest, DateTimeOffset Timestamp, string SourceRegion, ImmutableSortedDictionary<string, RegionTagRecord> Regions);

/// <summary>Where one region stands for one tag (or one deletion).</summary>
/// <param name="State">Pending, Copying, Synced, Failed, Deleted or Abandoned.</param>
/// <param name="Digest">The digest the state refers to.</param>
/// <param name="Rule">The rule that selected the region (empty for the source region).</param>
/// <param name="BytesCopied">Bytes that crossed into the region for this tag.</param>
/// <param name="SyncedAt">When the region became Synced (or Deleted).</param>
/// <param name="NotifiedDigest">The digest the region's deploy webhooks were last queued for (no duplicate notices).</param>
/// <param name="LastError">Why the last attempt failed, or what the region waits for.</param>
/// <param name="Attempts">Failed attempts since the last success.</param>
/// <param name="NextAttemptAt">When the next attempt is due after a failure.</param>
public sealed record RegionTagRecord(
    ReplicationState State,
    Digest? Digest,
    string Rule,
    long BytesCopied = 0,
    DateTimeOffset? SyncedAt = null,
    Digest? NotifiedDigest = null,
    string? LastError = null,
    int Attempts = 0,
    DateTimeOffset? NextAttemptAt = null)
{
    /// <summary>Nothing left to do in this region.</summary>
    public bool IsSettled => State is ReplicationState.Synced or ReplicationState.Deleted;

    /// <summary>The region still has work: neither settled nor given up (<see cref="ReplicationState.Abandoned"/>).</summary>
    public bool HasWork => !IsSettled && State != ReplicationState.Abandoned;

    /// <summary>
    /// Since when every attempt found the content missing at its source, or null: past the abandon bound the region
    /// is <see cref="ReplicationState.Abandoned"/>.
    /// </summary>
    public DateTimeOffset? MissingSince { get; init; }

    /// <summary>The copy in flight (while Copying): bytes this attempt has copied and has to copy; null otherwise.</summary>
    public CopyProgress? Progress { get; init; }
}

/// <summary>How far the copy of one attempt is: bytes copied so far of the bytes the region lacked when it was planned.</summary>
public sealed record CopyProgress(long BytesCopied, long BytesToCopy);
