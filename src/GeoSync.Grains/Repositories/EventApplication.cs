using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Applies one registry event to a repository's state: the ordering and multi-master rules, with no I/O, so they
/// are tested table by table. Events that restate the current decision change nothing (no echo, no re-copy), and
/// neither do the echoes of GeoSync's own writes into a registry region (its user agent): they decide nothing, and an
/// echo of a digest the decision has moved on from only has that region checked again.
/// </summary>
public static class EventApplication
{
    /// <summary>The state after <paramref name="registryEvent"/>, seen from <paramref name="sourceRegion"/>.</summary>
    public static RepositoryState Apply(
        RepositoryState state,
        RegistryEvent registryEvent,
        string sourceRegion,
        int sourcePriority,
        DateTimeOffset acceptedAt,
        IReplicationPolicy policy)
    {
        RepositoryName repository = registryEvent.Target.Repository;
        if (registryEvent.Request.IsGeoSync)
        {
            return ApplyEcho(state, registryEvent, sourceRegion);
        }

        switch (registryEvent.Kind)
        {
            case RegistryEventKind.ManifestPush when registryEvent.Target is { Tag: Tag tag, Digest: Digest digest }:
            {
                var desired = new DesiredTag(
                    digest,
                    registryEvent.Target.MediaType ?? MediaTypes.OciManifest,
                    registryEvent.Target.Size > 0 ? registryEvent.Target.Size : registryEvent.Target.Length,
                    registryEvent.Timestamp,
                    sourceRegion,
                    sourcePriority,
                    registryEvent.Id,
                    acceptedAt);
                return ApplyDecision(state, tag.Value, desired, policy, repository);
            }

            case RegistryEventKind.TagDelete when registryEvent.Target.Tag is Tag tag:
            {
                var desired = new DesiredTag(null, string.Empty, 0, registryEvent.Timestamp, sourceRegion, sourcePriority, registryEvent.Id, acceptedAt);
                return ApplyDecision(state, tag.Value, desired, policy, repository);
            }

            case RegistryEventKind.ManifestDelete when registryEvent.Target.Digest is Digest digest:
                return ApplyManifestDelete(state, digest, registryEvent, sourceRegion, sourcePriority, acceptedAt, policy, repository);

            default:
                return state;
        }
    }

    /// <summary>The regions that must hold a tag: the decision's source region and every target of the rules.</summary>
    public static ImmutableSortedDictionary<string, RegionTagRecord> Holders(
        DesiredTag desired,
        IReplicationPolicy policy,
        RepositoryName repository,
        string tag,
        TagRecord? previous)
    {
        ImmutableSortedDictionary<string, RegionTagRecord>.Builder regions = ImmutableSortedDictionary.CreateBuilder<string, RegionTagRecord>(StringComparer.Ordinal);
        foreach (ReplicationTarget target in policy.TargetsFor(desired.SourceRegion, repository, tag))
        {
            if (desired.IsDeleted && !target.Deletes)
            {
                continue;
            }

            regions[target.Region] = Pending(desired, target.Rule, previous, target.Region);
        }

        // The source region holds the image (or has dropped the tag) already; planning it is cheap and makes it
        // Synced or Deleted, and notified, like every other region.
        regions[desired.SourceRegion] = Pending(desired, string.Empty, previous, desired.SourceRegion);
        return regions.ToImmutable();
    }

    private static RepositoryState ApplyDecision(RepositoryState state, string tag, DesiredTag desired, IReplicationPolicy policy, RepositoryName repository)
    {
        TagRecord? current = state.Tags.GetValueOrDefault(tag);
        if (!desired.Supersedes(current?.Desired))
        {
            // A stale event: the decision stands, but its region may now hold something else (a push that lost the
            // multi-master race landed there), so that region is checked again and corrected if needed.
            return Recheck(state, tag, current!.Knowing(desired.Digest), desired.SourceRegion);
        }

        if (current is not null && desired.Restates(current.Desired))
        {
            return Recheck(state, tag, current, desired.SourceRegion);
        }

        TagRecord record = TagRecord.Decided(desired, Holders(desired, policy, repository, tag, current), current);
        return state with { Tags = state.Tags.SetItem(tag, record) };
    }

    /// <summary>
    /// A write GeoSync made into a registry region, notified back. Its registry timestamp is the moment of GeoSync's
    /// write, later than the push it carried out, so as a push it would win the multi-master decision and could
    /// move a tag back to a digest the decision has moved on from: it is no push.
    /// </summary>
    private static RepositoryState ApplyEcho(RepositoryState state, RegistryEvent echo, string region)
    {
        if (echo.Kind != RegistryEventKind.ManifestPush || echo.Target is not { Tag: Tag tag, Digest: Digest digest }
            || state.Tags.GetValueOrDefault(tag.Value) is not { } current || current.Desired.Digest == digest)
        {
            return state;
        }

        // A late write of an earlier decision: the region is brought to the current one.
        return Recheck(state, tag.Value, current, region);
    }

    private static RepositoryState ApplyManifestDelete(
        RepositoryState state,
        Digest digest,
        RegistryEvent registryEvent,
        string sourceRegion,
        int sourcePriority,
        DateTimeOffset acceptedAt,
        IReplicationPolicy policy,
        RepositoryName repository)
    {
        // The registry removes the tags that point at a deleted manifest; the same holds everywhere the rule allows.
        var tagDelete = new DesiredTag(null, string.Empty, 0, registryEvent.Timestamp, sourceRegion, sourcePriority, registryEvent.Id, acceptedAt);
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (record.Desired.Digest == digest && tagDelete.Supersedes(record.Desired))
            {
                state = state with { Tags = state.Tags.SetItem(tag, TagRecord.Decided(tagDelete, Holders(tagDelete, policy, repository, tag, record), record)) };
            }
        }

        ImmutableSortedDictionary<string, RegionTagRecord>.Builder regions = ImmutableSortedDictionary.CreateBuilder<string, RegionTagRecord>(StringComparer.Ordinal);
        foreach (ReplicationTarget target in policy.TargetsFor(sourceRegion, repository, null))
        {
            if (target.Deletes)
            {
                regions[target.Region] = new RegionTagRecord(ReplicationState.Pending, digest, target.Rule);
            }
        }

        var deletion = new DeletionRecord(digest, registryEvent.Timestamp, sourceRegion, regions.ToImmutable());
        return state with { Deletions = state.Deletions.SetItem(digest.ToString(), deletion) };
    }

    private static RepositoryState Recheck(RepositoryState state, string tag, TagRecord current, string region)
    {
        if (!current.Regions.TryGetValue(region, out RegionTagRecord? record) || current.Desired.IsDeleted)
        {
            return ReferenceEquals(state.Tags[tag], current) ? state : state with { Tags = state.Tags.SetItem(tag, current) };
        }

        // Notified again: whatever the region gave up on may be there now, so it is counted afresh.
        RegionTagRecord recheck = record with { State = ReplicationState.Pending, Attempts = 0, NextAttemptAt = null, LastError = null, MissingSince = null };
        return state with { Tags = state.Tags.SetItem(tag, current with { Regions = current.Regions.SetItem(region, recheck) }) };
    }

    private static RegionTagRecord Pending(DesiredTag desired, string rule, TagRecord? previous, string region) =>
        new(ReplicationState.Pending, desired.Digest, rule, NotifiedDigest: Notified(previous, region));

    private static Digest? Notified(TagRecord? previous, string region) =>
        previous?.Regions.GetValueOrDefault(region)?.NotifiedDigest;
}
