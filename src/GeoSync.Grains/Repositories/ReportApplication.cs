using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Applies a region worker's report to a repository's state, without I/O: what the attempt makes of the region's
/// record, whether its deploy webhooks are due, and what the record becomes once they are queued or could not be.
/// <see cref="RepositoryGrain"/> queues the notice in between and persists.
/// </summary>
public static class ReportApplication
{
    /// <summary>
    /// The tag's region record before and after the reported attempt; null when the tag moved while the work ran
    /// (its region record is Pending again for the new decision, and the report is stale).
    /// </summary>
    public static TagAttempt? Attempt(RepositoryState state, RegionWorkResult result, DateTimeOffset now, TimeSpan gateRecheckInterval, TimeSpan abandonAfter)
    {
        RegionWork work = result.Work;
        if (!state.Tags.TryGetValue(work.Key, out TagRecord? record)
            || record.Desired.Digest != work.Digest
            || !record.Regions.TryGetValue(work.Region, out RegionTagRecord? before))
        {
            return null;
        }

        return new TagAttempt(record.Desired, before, RegionOutcomes.AfterAttempt(before, result, now, gateRecheckInterval, abandonAfter));
    }

    /// <summary>
    /// The deploy notice an attempt calls for, or null: only a settled region is announced, and only once per outcome
    /// (a region Synced again for the same digest, or Deleted again, is not announced twice).
    /// </summary>
    public static RegionImageNotice? Notice(string repository, RegionWorkResult result, TagAttempt attempt, DateTimeOffset now)
    {
        (DesiredTag desired, RegionTagRecord before, RegionTagRecord after) = attempt;
        bool deleted = after.State == ReplicationState.Deleted;
        if (!after.IsSettled || (deleted ? before.State == ReplicationState.Deleted : after.NotifiedDigest == desired.Digest))
        {
            return null;
        }

        RegionWork work = result.Work;
        return new RegionImageNotice(
            work.Region,
            repository,
            work.Key,
            deleted ? before.NotifiedDigest : desired.Digest,
            desired.MediaType,
            result.Platforms,
            desired.SourceRegion,
            desired.Timestamp,
            after.SyncedAt ?? now,
            deleted,
            work.TraceParent)
        {
            Referrer = result.Referrer,
        };
    }

    /// <summary>The settled record once its notice is queued: remembers what was announced, so it is not announced again.</summary>
    public static RegionTagRecord Announced(RegionTagRecord after, RegionImageNotice notice) =>
        after with { NotifiedDigest = notice.Deleted ? null : notice.Digest };

    /// <summary>
    /// The deploy webhooks could not be queued: not Synced yet; the region is planned again (cheap, all is present)
    /// and the notice retried, so no region is ever Synced without its webhooks queued.
    /// </summary>
    public static RegionTagRecord NoticeFailed(TagAttempt attempt, string reason, DateTimeOffset now) =>
        RegionOutcomes.Failed(attempt.Before with { Progress = null }, $"could not queue deploy webhooks: {reason}", now);

    /// <summary>The state after a manifest deletion's attempt; unchanged when the deletion or its region is gone.</summary>
    public static RepositoryState AfterDeletion(RepositoryState state, RegionWorkResult result, DateTimeOffset now)
    {
        RegionWork work = result.Work;
        return state.Deletions.TryGetValue(work.Key, out DeletionRecord? deletion) && deletion.Regions.TryGetValue(work.Region, out RegionTagRecord? record)
            ? RegionOutcomes.WithDeletionRegion(state, work.Key, work.Region, RegionOutcomes.AfterDeletion(record, result, now))
            : state;
    }
}

/// <summary>A tag's region record before and after one attempt, with the decision the attempt was for.</summary>
/// <param name="Desired">The tag's decision.</param>
/// <param name="Before">The region's record when the report arrived.</param>
/// <param name="After">The record the attempt makes of it, before any notice.</param>
public sealed record TagAttempt(DesiredTag Desired, RegionTagRecord Before, RegionTagRecord After);
