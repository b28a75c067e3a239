using System.Collections.Immutable;
using GeoSync.Domain.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Which of a repository's abandoned regions an operator's retry or drop takes: those of one event, of one tag, or
/// all of them; in one region or in every one. Only <see cref="ReplicationState.Abandoned"/> records are ever taken.
/// </summary>
/// <param name="EventId">Only the tag decided by this registry event.</param>
/// <param name="Tag">Only this tag.</param>
/// <param name="Region">Only this region.</param>
[Immutable]
public sealed record AbandonedSelection(string? EventId = null, string? Tag = null, string? Region = null)
{
    /// <summary>True when the tag's region record is abandoned and selected.</summary>
    public bool Takes(string tag, TagRecord record, string region, RegionTagRecord regionRecord) =>
        regionRecord.State == ReplicationState.Abandoned
        && (EventId is null || record.Desired.EventId == EventId)
        && (Tag is null || Tag == tag)
        && (Region is null || Region == region);
}

/// <summary>
/// What an operator does with regions given up on (<see cref="ReplicationState.Abandoned"/>), without I/O: retry
/// them (due at once, counted afresh) or drop them (the records go; a tag left with none is forgotten, so the next
/// event of it decides afresh). Nothing that is not abandoned changes.
/// </summary>
public static class AbandonedEvents
{
    /// <summary>The selected abandoned regions due again, and how many there were.</summary>
    public static (RepositoryState State, int Count) Retry(RepositoryState state, AbandonedSelection selection)
    {
        int count = 0;
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            foreach ((string region, RegionTagRecord regionRecord) in record.Regions)
            {
                if (selection.Takes(tag, record, region, regionRecord))
                {
                    state = RegionOutcomes.WithRegion(state, tag, region, RegionOutcomes.Retried(regionRecord));
                    count++;
                }
            }
        }

        return (state, count);
    }

    /// <summary>The state without the selected abandoned regions (and without tags left with no region), and how many went.</summary>
    public static (RepositoryState State, int Count) Drop(RepositoryState state, AbandonedSelection selection)
    {
        int count = 0;
        ImmutableSortedDictionary<string, TagRecord> tags = state.Tags;
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            string[] dropped = [.. record.Regions.Where(r => selection.Takes(tag, record, r.Key, r.Value)).Select(r => r.Key)];
            if (dropped.Length == 0)
            {
                continue;
            }

            count += dropped.Length;
            ImmutableSortedDictionary<string, RegionTagRecord> regions = record.Regions.RemoveRange(dropped);
            tags = regions.IsEmpty ? tags.Remove(tag) : tags.SetItem(tag, record with { Regions = regions });
        }

        return (count == 0 ? state : state with { Tags = tags }, count);
    }
}
