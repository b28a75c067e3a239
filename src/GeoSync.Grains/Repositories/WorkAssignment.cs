using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Handing a region's work to its worker and taking it back, without I/O. <see cref="RepositoryGrain"/> keeps what is
/// in flight (<see cref="RegionWorkers"/>); these decide which item goes next and what an abandoned one becomes.
/// </summary>
public static class WorkAssignment
{
    /// <summary>
    /// The next item due in <paramref name="region"/> that is not already in flight, tags before manifest deletions,
    /// and the state with a tag's region marked Copying; the state unchanged and no work when nothing is due.
    /// </summary>
    public static (RepositoryState State, RegionWork? Work) Next(
        RepositoryState state,
        RepositoryName repository,
        string region,
        DateTimeOffset now,
        IReadOnlySet<(string Region, string Key)> inFlight,
        IReplicationPolicy policy)
    {
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Regions.TryGetValue(region, out RegionTagRecord? regionRecord) && RegionOutcomes.IsDue(regionRecord, now) && !inFlight.Contains((region, tag)))
            {
                // In memory only: status shows Copying; a restart shows Pending and resumes.
                RepositoryState copying = RegionOutcomes.WithRegion(state, tag, region, regionRecord with { State = ReplicationState.Copying });
                return (copying, TagWork(record, repository, tag, region, policy));
            }
        }

        foreach ((string key, DeletionRecord deletion) in state.Deletions)
        {
            if (deletion.Regions.TryGetValue(region, out RegionTagRecord? regionRecord) && RegionOutcomes.IsDue(regionRecord, now) && !inFlight.Contains((region, key)))
            {
                return (state, new RegionWork(RegionWorkKind.DeleteManifest, region, repository.Value, key, null, null, deletion.Digest));
            }
        }

        return (state, null);
    }

    /// <summary>The work that brings <paramref name="region"/> to a tag's decision (what a dry-run plan asks about too).</summary>
    public static RegionWork TagWork(TagRecord record, RepositoryName repository, string tag, string region, IReplicationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(policy);
        RegionWorkKind kind = record.Desired.IsDeleted ? RegionWorkKind.DeleteTag : RegionWorkKind.SyncTag;
        ReplicationTarget? target = TargetOf(policy, record.Desired.SourceRegion, repository, tag, region);
        return new RegionWork(kind, region, repository.Value, tag, record.Desired, target, record.Desired.Digest, record.TraceParent)
        {
            KnownDigests = policy.TargetsFor(region, repository, tag).Count > 0 ? record.KnownDigests : null,
        };
    }

    /// <summary>How <paramref name="region"/> receives a tag pushed in <paramref name="source"/>: by its rule, or as the source itself.</summary>
    private static ReplicationTarget? TargetOf(IReplicationPolicy policy, string source, RepositoryName repository, string tag, string region)
    {
        IReadOnlyList<ReplicationTarget> targets = policy.TargetsFor(source, repository, tag);
        return region == source ? ReplicationTarget.Source(region, targets) : targets.FirstOrDefault(t => t.Region == region);
    }

    /// <summary>
    /// Work handed to a worker that ended without reporting (its report could not reach the grain): a tag's region
    /// still Copying is Pending again, so a new worker picks it up rather than the region staying Copying.
    /// </summary>
    public static RepositoryState Released(RepositoryState state, IEnumerable<(string Region, string Key)> abandoned)
    {
        foreach ((string region, string key) in abandoned)
        {
            if (state.Tags.GetValueOrDefault(key)?.Regions.GetValueOrDefault(region) is { State: ReplicationState.Copying } record)
            {
                state = RegionOutcomes.WithRegion(state, key, region, record with { State = ReplicationState.Pending, Progress = null });
            }
        }

        return state;
    }
}
