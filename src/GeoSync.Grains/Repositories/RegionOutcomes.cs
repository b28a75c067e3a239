using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The state transitions of a repository's regions, without I/O: what is due, what a reported outcome makes of a
/// region's record, what a referrer's arrival re-opens. <see cref="RepositoryGrain"/> orders the calls and persists.
/// </summary>
public static class RegionOutcomes
{
    /// <summary>A region record with nothing in flight and, after a failure, its next attempt due.</summary>
    public static bool IsDue(RegionTagRecord record, DateTimeOffset now) =>
        record.HasWork && record.State != ReplicationState.Copying && (record.NextAttemptAt is null || record.NextAttemptAt <= now);

    /// <summary>The regions that have work due now.</summary>
    public static IEnumerable<string> RegionsWithWork(RepositoryState state, DateTimeOffset now) =>
        state.Tags.Values.SelectMany(t => t.Regions)
            .Concat(state.Deletions.Values.SelectMany(d => d.Regions))
            .Where(r => IsDue(r.Value, now))
            .Select(r => r.Key)
            .Distinct(StringComparer.Ordinal);

    /// <summary>The earliest time a failed region is due for its next attempt, or null when none waits.</summary>
    public static DateTimeOffset? NextRetryAt(RepositoryState state) =>
        state.Tags.Values.SelectMany(t => t.Regions.Values)
            .Concat(state.Deletions.Values.SelectMany(d => d.Regions.Values))
            .Where(r => r.HasWork && r.State != ReplicationState.Copying && r.NextAttemptAt is not null)
            .Min(r => r.NextAttemptAt);

    /// <summary>What a tag's region record becomes after an attempt that ended in <paramref name="result"/>.</summary>
    /// <param name="record">The region's record when the report arrived.</param>
    /// <param name="result">The attempt's outcome.</param>
    /// <param name="now">The time of the report.</param>
    /// <param name="gateRecheckInterval">When a region waiting for something (a gate, an event) looks again.</param>
    /// <param name="abandonAfter">How long content may be missing at its source before the region gives up.</param>
    public static RegionTagRecord AfterAttempt(RegionTagRecord record, RegionWorkResult result, DateTimeOffset now, TimeSpan gateRecheckInterval, TimeSpan abandonAfter)
    {
        // A finished attempt has no copy in flight, and only a run of attempts that all found the content missing counts towards giving up.
        RegionTagRecord done = record with { BytesCopied = record.BytesCopied + result.BytesCopied, Progress = null, MissingSince = null };
        return result.State switch
        {
            ReplicationState.Synced or ReplicationState.Deleted => done with
            {
                State = result.State,
                // A region that already held this outcome keeps when it first did: a re-plan (resync, reconciliation) that
                // finds the image present is no new sync, and the lag stays that of the original copy.
                SyncedAt = record.SyncedAt is not null && (record.State == result.State || (result.State == ReplicationState.Synced && record.NotifiedDigest == result.Work.Digest))
                    ? record.SyncedAt
                    : now,
                LastError = null,
                Attempts = 0,
                NextAttemptAt = null,
            },
            ReplicationState.Pending => done with
            {
                State = ReplicationState.Pending,
                LastError = result.Detail,
                // Planned again while the work ran (a referrer arrived, a push's event was applied): what the work waited
                // for may be there now, so the region is due at once rather than at the next recheck.
                NextAttemptAt = record.State == ReplicationState.Pending ? now : now + gateRecheckInterval,
            },
            _ when result.SourceMissing => Missing(done with { MissingSince = record.MissingSince ?? now }, result.Detail, now, abandonAfter),
            _ => Failed(done, result.Detail, now),
        };
    }

    /// <summary>A failed attempt: counted, with its reason, and the next one scheduled by <see cref="RetrySchedule"/>.</summary>
    public static RegionTagRecord Failed(RegionTagRecord record, string? reason, DateTimeOffset now) => record with
    {
        State = ReplicationState.Failed,
        LastError = reason,
        Attempts = record.Attempts + 1,
        NextAttemptAt = now + RetrySchedule.Delay(record.Attempts + 1),
    };

    /// <summary>
    /// The content was missing at its source again: retried like any failure until it has been missing for
    /// <paramref name="abandonAfter"/>, then <see cref="ReplicationState.Abandoned"/> (no next attempt) until an operator acts.
    /// </summary>
    public static RegionTagRecord Missing(RegionTagRecord record, string? reason, DateTimeOffset now, TimeSpan abandonAfter) =>
        record.MissingSince is not { } since || now - since < abandonAfter
            ? Failed(record, reason, now)
            : record with
            {
                State = ReplicationState.Abandoned,
                LastError = $"given up, missing at its source since {since:u}: {reason}; retry or drop it with geosync events",
                Attempts = record.Attempts + 1,
                NextAttemptAt = null,
            };

    /// <summary>An operator retries an abandoned region: due now, its count of attempts and of missing time started afresh.</summary>
    public static RegionTagRecord Retried(RegionTagRecord record) =>
        record with { State = ReplicationState.Pending, Attempts = 0, NextAttemptAt = null, MissingSince = null };

    /// <summary>A manifest deletion's region record after an attempt.</summary>
    public static RegionTagRecord AfterDeletion(RegionTagRecord record, RegionWorkResult result, DateTimeOffset now) =>
        result.State == ReplicationState.Failed
            ? Failed(record, result.Detail, now)
            : record with { State = ReplicationState.Deleted, SyncedAt = now, LastError = null, Attempts = 0, NextAttemptAt = null };

    /// <summary>A referrer of <paramref name="subject"/> arrived: regions holding a tag on it check again (referrers follow, gates open).</summary>
    public static RepositoryState ReferrerArrived(RepositoryState state, Digest subject)
    {
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Desired.Digest == subject)
            {
                state = WithRegions(state, tag, record, r => r with { State = ReplicationState.Pending, NextAttemptAt = null, Attempts = 0 });
            }
        }

        return state;
    }

    /// <summary>
    /// A referrer is now in <paramref name="region"/>: the region's tags waiting there for a later look (a gate, an
    /// event on its way) look again now, instead of at their recheck a minute later.
    /// </summary>
    public static RepositoryState ReferrerReached(RepositoryState state, string region, DateTimeOffset now)
    {
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Regions.TryGetValue(region, out RegionTagRecord? waiting) && waiting is { State: ReplicationState.Pending, NextAttemptAt: { } at } && at > now)
            {
                state = WithRegion(state, tag, region, waiting with { NextAttemptAt = now });
            }
        }

        return state;
    }

    /// <summary>Copying is a fact of a live activation: state read back after a restart has nothing in flight.</summary>
    public static RepositoryState WithoutCopying(RepositoryState state)
    {
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Regions.Values.Any(r => r.State == ReplicationState.Copying))
            {
                state = WithRegions(state, tag, record, r => r.State == ReplicationState.Copying ? r with { State = ReplicationState.Pending, Progress = null } : r);
            }
        }

        return state;
    }

    /// <summary>The tag's region record replaced.</summary>
    public static RepositoryState WithRegion(RepositoryState state, string tag, string region, RegionTagRecord record)
    {
        TagRecord tagRecord = state.Tags[tag];
        return state with { Tags = state.Tags.SetItem(tag, tagRecord with { Regions = tagRecord.Regions.SetItem(region, record) }) };
    }

    /// <summary>The deletion's region record replaced.</summary>
    public static RepositoryState WithDeletionRegion(RepositoryState state, string key, string region, RegionTagRecord record)
    {
        DeletionRecord deletion = state.Deletions[key];
        return state with { Deletions = state.Deletions.SetItem(key, deletion with { Regions = deletion.Regions.SetItem(region, record) }) };
    }

    private static RepositoryState WithRegions(RepositoryState state, string tag, TagRecord record, Func<RegionTagRecord, RegionTagRecord> change)
    {
        ImmutableSortedDictionary<string, RegionTagRecord> regions = record.Regions;
        foreach ((string region, RegionTagRecord regionRecord) in record.Regions)
        {
            regions = regions.SetItem(region, change(regionRecord));
        }

        return state with { Tags = state.Tags.SetItem(tag, record with { Regions = regions }) };
    }
}
