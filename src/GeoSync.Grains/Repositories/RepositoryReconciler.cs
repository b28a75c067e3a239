using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Storage;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// Anti-entropy for one repository. Registries drop notifications when they restart, so the source stores are
/// compared with what GeoSync decided: a tag the decision does not know, or whose source region now holds
/// another digest (or none), becomes a new decision timestamped now; every region holding the tag is then planned
/// again, which copies whatever a target lacks and costs only a few reads where nothing is missing.
/// </summary>
public sealed partial class RepositoryReconciler(RegionDirectory regions, IReplicationPolicy policy, ILogger<RepositoryReconciler> logger)
{
    /// <summary>The repository's state after comparing the stores; <paramref name="onlyTag"/> limits it to one tag.</summary>
    public async Task<RepositoryState> ReconcileAsync(RepositoryName repository, RepositoryState state, string? onlyTag, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Sources in priority order, so that a tag found with different digests in two sources (and no event to date
        // them) is decided the way a tie is: by region priority.
        IEnumerable<string> sources = policy.SourceRegions.Where(regions.Contains).OrderBy(r => regions[r].Priority).ThenBy(r => r, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string source in sources)
        {
            IRegionStore store = regions[source].Store;
            Dictionary<string, Digest> tags;
            try
            {
                tags = await ReadTagsAsync(store, repository, onlyTag, cancellationToken).ConfigureAwait(false);
            }
            catch (RegionStoreException ex)
            {
                LogSourceUnavailable(repository.Value, source, LogText.Escape(ex.Message));
                continue;
            }

            foreach ((string tag, Digest digest) in tags)
            {
                TagRecord? current = state.Tags.GetValueOrDefault(tag);
                bool unknown = current is null || (current.Desired.IsDeleted && current.Desired.SourceRegion == source);
                bool sourceMoved = current is not null && current.Desired.SourceRegion == source && current.Desired.Digest != digest;
                if ((unknown && seen.Add(tag)) || sourceMoved)
                {
                    (string mediaType, long size) = await DescribeAsync(store, repository, digest, cancellationToken).ConfigureAwait(false);
                    var desired = new DesiredTag(digest, mediaType, size, now, source, regions[source].Priority, "reconcile", now);
                    state = state with { Tags = state.Tags.SetItem(tag, TagRecord.Decided(desired, EventApplication.Holders(desired, policy, repository, tag, current), current)) };
                    LogFound(repository.Value, tag, source, digest.Short);
                }

                seen.Add(tag);
            }

            // A tag whose source no longer has it lost its delete notification.
            foreach ((string tag, TagRecord record) in state.Tags)
            {
                if (record.Desired.SourceRegion == source && !record.Desired.IsDeleted && !tags.ContainsKey(tag) && (onlyTag is null || onlyTag == tag))
                {
                    var deleted = new DesiredTag(null, string.Empty, 0, now, source, regions[source].Priority, "reconcile", now);
                    state = state with { Tags = state.Tags.SetItem(tag, TagRecord.Decided(deleted, EventApplication.Holders(deleted, policy, repository, tag, record), record)) };
                }
            }
        }

        // Plan every region again: targets that lost content (or never got it) are corrected.
        foreach ((string tag, TagRecord record) in state.Tags)
        {
            if (onlyTag is not null && onlyTag != tag)
            {
                continue;
            }

            var recheck = record.Regions.ToImmutableSortedDictionary(
                r => r.Key,
                r => r.Value.State is ReplicationState.Synced or ReplicationState.Failed or ReplicationState.Pending
                    ? r.Value with { State = ReplicationState.Pending, NextAttemptAt = null }
                    : r.Value,
                StringComparer.Ordinal);
            state = state with { Tags = state.Tags.SetItem(tag, record with { Regions = recheck }) };
        }

        return state;
    }

    private static async Task<Dictionary<string, Digest>> ReadTagsAsync(IRegionStore store, RepositoryName repository, string? onlyTag, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, Digest>(StringComparer.Ordinal);
        await foreach (Tag tag in store.ListTagsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            if ((onlyTag is null || tag.Value == onlyTag) && await store.ReadTagAsync(repository, tag, cancellationToken).ConfigureAwait(false) is Digest digest)
            {
                tags[tag.Value] = digest;
            }
        }

        return tags;
    }

    private static async Task<(string MediaType, long Size)> DescribeAsync(IRegionStore store, RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        await using Stream stream = await store.OpenBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        ManifestDocument document = ManifestParser.Parse(buffer.ToArray(), null);
        return (document.MediaType, buffer.Length);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation found `{Repository}:{Tag}` at {Digest} in `{Region}` without an event")]
    private partial void LogFound(string repository, string tag, string region, string digest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciliation of `{Repository}` could not read `{Region}`: {Reason}")]
    private partial void LogSourceUnavailable(string repository, string region, string reason);
}
