using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Storage;

namespace GeoSync.Grains.Replication;

/// <summary>
/// The region a push (or delete) came from. Its registry wrote the image and moved the tag, so GeoSync only reads
/// there and never writes a tag: a tag the registry has moved again since, its event still on the way, must not be
/// rolled back. A tag link the registry is still writing fails as retryable and is read again later.
/// </summary>
public sealed class SourceRegionCheck(ReferrerIndex referrers, TimeProvider time)
{
    /// <summary>How long after a push's event its tag may still be missing in the source: its registry writes it after notifying.</summary>
    public static readonly TimeSpan TagWriteGrace = TimeSpan.FromSeconds(30);

    /// <summary>Synced when the tag still names the pushed digest and every gate holding the region is open there.</summary>
    public async Task<RegionWorkResult> SyncedAsync(
        RegionWork work,
        RepositoryName repository,
        IRegionStore store,
        ImageGraph image,
        IReadOnlyList<string> gates,
        IReadOnlyList<string> platforms,
        CancellationToken cancellationToken)
    {
        Digest? current = await store.ReadTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
        if (current is null && work.Desired is { } desired && time.GetUtcNow() - desired.AcceptedAt < TagWriteGrace)
        {
            // Distribution notifies a manifest push before it writes the tag's link: not there yet is not gone.
            throw new RegionStoreException(work.Region, "read tag", RegionStoreFailure.Unavailable, "the tag is not written there yet; read again shortly");
        }

        if (current != work.Digest)
        {
            string moved = current is Digest other ? $"the tag has moved to {other.Short} there" : "the tag is gone from there";
            return Waiting(work, $"{moved}; waiting for that change's event", platforms);
        }

        if (gates.Count > 0)
        {
            IReadOnlyList<Referrer> found = await referrers.FindAsync(work.Region, repository, image.Manifests.Select(m => m.Digest).ToHashSet(), cancellationToken).ConfigureAwait(false);
            if (GateCheck.Missing(gates, found) is { Count: > 0 } missing)
            {
                return Waiting(work, GateCheck.Describe(missing), platforms);
            }
        }

        return new RegionWorkResult(work, ReplicationState.Synced, 0, null, platforms);
    }

    /// <summary>Deleted when the tag is gone; a tag pushed there again since is left alone.</summary>
    public async Task<RegionWorkResult> DeletedAsync(RegionWork work, RepositoryName repository, IRegionStore store, CancellationToken cancellationToken)
    {
        Digest? current = await store.ReadTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
        return current is Digest pushed
            ? Waiting(work, $"the tag was pushed again there, at {pushed.Short}; waiting for that push's event", [])
            : new RegionWorkResult(work, ReplicationState.Deleted, 0, null, []);
    }

    private static RegionWorkResult Waiting(RegionWork work, string reason, IReadOnlyList<string> platforms) =>
        new(work, ReplicationState.Pending, 0, reason, platforms);
}
