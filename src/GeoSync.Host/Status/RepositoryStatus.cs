using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;

namespace GeoSync.Host.Status;

/// <summary>One repository's tags × regions, as the status API and the CLI show it.</summary>
public sealed record RepositoryStatus(string Repository, long LastSequence, IReadOnlyList<TagStatus> Tags)
{
    /// <summary>True when every region of every tag is Synced or Deleted.</summary>
    public bool AllSettled => Tags.All(t => t.Regions.All(r => r.State is "Synced" or "Deleted"));

    public static RepositoryStatus From(string repository, RepositoryState state, DateTimeOffset now) =>
        new(repository, state.LastSequence, [.. state.Tags.Select(t => TagStatus.From(t.Key, t.Value, now))]);
}

/// <summary>One tag: its decision and each region's state.</summary>
public sealed record TagStatus(
    string Tag,
    string? Digest,
    string MediaType,
    string SourceRegion,
    DateTimeOffset PushedAt,
    string EventId,
    IReadOnlyList<RegionStatus> Regions)
{
    public static TagStatus From(string tag, TagRecord record, DateTimeOffset now) => new(
        tag,
        record.Desired.Digest?.ToString(),
        record.Desired.MediaType,
        record.Desired.SourceRegion,
        record.Desired.Timestamp,
        record.Desired.EventId,
        [.. record.Regions.Select(r => RegionStatus.From(r.Key, r.Value, record.Desired))]);
}

/// <summary>One region's state for one tag.</summary>
/// <param name="Region">The region.</param>
/// <param name="State">Pending, Copying, Synced, Failed, Deleted or Abandoned.</param>
/// <param name="Digest">The digest the state refers to.</param>
/// <param name="BytesCopied">Bytes that crossed into the region for this tag, the copy in flight included.</param>
/// <param name="LagMilliseconds">From the push to Synced (or Deleted).</param>
/// <param name="LastError">Why the last attempt failed, or what the region waits for.</param>
/// <param name="Attempts">Failed attempts since the last success.</param>
/// <param name="NextAttemptAt">When the next attempt is due after a failure.</param>
/// <param name="BytesTotal">While Copying: what <paramref name="BytesCopied"/> will be once the copy is done; otherwise null.</param>
public sealed record RegionStatus(
    string Region,
    string State,
    string? Digest,
    long BytesCopied,
    double? LagMilliseconds,
    string? LastError,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    long? BytesTotal = null)
{
    public static RegionStatus From(string region, RegionTagRecord record, DesiredTag desired)
    {
        CopyProgress? copying = record.State == ReplicationState.Copying ? record.Progress : null;
        return new RegionStatus(
            region,
            record.State.ToString(),
            record.Digest?.ToString(),
            record.BytesCopied + (copying?.BytesCopied ?? 0),
            record.SyncedAt is { } synced ? (synced - desired.Timestamp).TotalMilliseconds : null,
            record.LastError,
            record.Attempts,
            record.NextAttemptAt,
            record.BytesCopied + copying?.BytesToCopy);
    }
}
