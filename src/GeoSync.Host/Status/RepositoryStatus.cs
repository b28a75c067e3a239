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
        [.. record.Regions.Select(r => new RegionStatus(
            r.Key,
            r.Value.State.ToString(),
            r.Value.Digest?.ToString(),
            r.Value.BytesCopied,
            r.Value.SyncedAt is { } synced ? (synced - record.Desired.Timestamp).TotalMilliseconds : null,
            r.Value.LastError,
            r.Value.Attempts,
            r.Value.NextAttemptAt))]);
}

/// <summary>One region's state for one tag.</summary>
public sealed record RegionStatus(
    string Region,
    string State,
    string? Digest,
    long BytesCopied,
    double? LagMilliseconds,
    string? LastError,
    int Attempts,
    DateTimeOffset? NextAttemptAt);
