using System.Diagnostics;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Links;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Repositories;
using GeoSync.Storage;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Replication;

/// <summary>
/// Makes one region hold one tagged image: has <see cref="ImageTransferPlanner"/> plan what the region lacks (the
/// plan <c>geosync plan</c> reports), has the blob replicators copy the missing blobs, writes links children-first and
/// moves the tag last. The region is Synced only when all of that succeeded. The region the push came from is only
/// checked (<see cref="SourceRegionCheck"/>): GeoSync never writes a tag there.
/// </summary>
public sealed partial class RegionReplicator(
    RegionDirectory regions,
    RegionThrottle throttle,
    IGrainFactory grains,
    ReferrerIndex referrers,
    ImageTransferPlanner planner,
    LinkTraffic links,
    TimeProvider time,
    ILogger<RegionReplicator> logger) : IRegionReplicator
{
    private readonly SourceRegionCheck _source = new(referrers, time);

    /// <inheritdoc />
    public async Task<RegionWorkResult> ExecuteAsync(RegionWork work, CancellationToken cancellationToken = default)
    {
        using Activity? activity = ReplicationTelemetry.ActivitySource.StartActivity("region.replicate", ActivityKind.Internal, work.TraceParent);
        activity?.SetTag("geosync.region", work.Region);
        activity?.SetTag("geosync.repository", work.Repository);
        activity?.SetTag("geosync.tag", work.Key);
        RepositoryName repository = RepositoryName.Parse(work.Repository);
        IRegionStore target = regions[work.Region].Store;
        try
        {
            switch (work.Kind)
            {
                case RegionWorkKind.DeleteTag when work.Region == work.Desired?.SourceRegion:
                    return await _source.DeletedAsync(work, repository, target, cancellationToken).ConfigureAwait(false) with { Referrer = HoldsReferrers(work) };
                case RegionWorkKind.DeleteTag:
                    using (await throttle.AcquireSyncAsync(work.Region, cancellationToken).ConfigureAwait(false))
                    {
                        await target.DeleteTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
                    }

                    return new RegionWorkResult(work, ReplicationState.Deleted, 0, null, []) { Referrer = HoldsReferrers(work) };
                case RegionWorkKind.DeleteManifest:
                    using (await throttle.AcquireSyncAsync(work.Region, cancellationToken).ConfigureAwait(false))
                    {
                        await target.DeleteManifestLinkAsync(repository, work.Digest!.Value, cancellationToken).ConfigureAwait(false);
                    }

                    return new RegionWorkResult(work, ReplicationState.Deleted, 0, null, []);
                default:
                    return await SyncAsync(work, repository, target, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RegionStoreException or FormatException or InvalidDataException or ImageGraphException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return new RegionWorkResult(work, ReplicationState.Failed, 0, ex.Message, []);
        }
    }

    /// <summary>
    /// Plans and writes under the region's sync slot, and gives the slot back while the blobs transfer (they have
    /// slots of their own), so a large image never holds up the region's other syncs.
    /// </summary>
    private async Task<RegionWorkResult> SyncAsync(RegionWork work, RepositoryName repository, IRegionStore target, CancellationToken cancellationToken)
    {
        using var slot = new SyncSlot(throttle, work.Region);
        await slot.AcquireAsync(cancellationToken).ConfigureAwait(false);
        ImageGraph image = await planner.GraphAsync(work, repository, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> platforms = [.. image.Platforms.Select(p => p.ToString())];
        bool referrer = ImageTransferPlanner.IsReferrer(work, image);
        IReadOnlyList<string> gates = ImageTransferPlanner.Gates(work, image);
        RegionWorkResult result = work.Region == work.Desired!.SourceRegion
            ? await _source.SyncedAsync(work, repository, target, image, gates, platforms, cancellationToken).ConfigureAwait(false)
            : await SyncImageAsync(work, repository, target, image, platforms, gates, slot, cancellationToken).ConfigureAwait(false);
        result = result with { Referrer = referrer };
        if (result.State == ReplicationState.Pending)
        {
            LogWaiting(work.Repository, work.Key, work.Region, LogText.Escape(result.Detail ?? string.Empty));
        }

        return result;
    }

    private async Task<RegionWorkResult> SyncImageAsync(
        RegionWork work,
        RepositoryName repository,
        IRegionStore target,
        ImageGraph image,
        IReadOnlyList<string> platforms,
        IReadOnlyList<string> gates,
        SyncSlot slot,
        CancellationToken cancellationToken)
    {
        string source = work.Desired!.SourceRegion;
        IRegionStore sourceStore = regions[source].Store;
        ImageTransfer transfer = await planner.PlanAsync(work, repository, target, image, gates, cancellationToken).ConfigureAwait(false);
        RegionPlan plan = transfer.Plan;
        long bytes = transfer.BlobCopies.Count == 0
            ? 0
            : await slot.ReleasedWhileAsync(() => CopyAsync(work.Region, source, repository, transfer.BlobCopies, cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (Descriptor layer in plan.LayersToLink)
        {
            await target.LinkLayerAsync(repository, layer.Digest, cancellationToken).ConfigureAwait(false);
        }

        HashSet<Digest> putWhole = [.. transfer.ManifestPuts.Select(m => m.Digest)];
        foreach (Descriptor manifest in plan.ManifestsToLink)
        {
            if (putWhole.Contains(manifest.Digest))
            {
                byte[] content = await ReadManifestAsync(sourceStore, repository, manifest, cancellationToken).ConfigureAwait(false);
                long put = await target.PutManifestAsync(repository, manifest, content, cancellationToken).ConfigureAwait(false);
                links.Record(source, work.Region, put);
                bytes += put;
            }
            else
            {
                await target.LinkManifestAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false);
            }
        }

        // The tag last: the region's registry never serves a tag whose content is incomplete.
        foreach ((string tag, Digest digest) in plan.TagsToMove)
        {
            await target.SetTagAsync(repository, Tag.Parse(tag), digest, cancellationToken).ConfigureAwait(false);
        }

        if (!transfer.MoveTag)
        {
            string? detail = transfer.MissingGates.Count > 0 ? GateCheck.Describe(transfer.MissingGates) : transfer.Unexplained;
            return new RegionWorkResult(work, ReplicationState.Pending, bytes, detail, platforms);
        }

        return new RegionWorkResult(work, ReplicationState.Synced, bytes, null, platforms);
    }

    private static bool HoldsReferrers(RegionWork work) => Referrers.IsReferrerTag(Tag.Parse(work.Key));

    /// <summary>A manifest's bytes from the source region, verified against its digest.</summary>
    private static async Task<byte[]> ReadManifestAsync(IRegionStore source, RepositoryName repository, Descriptor manifest, CancellationToken cancellationToken)
    {
        await using Stream stream = await source.OpenBlobAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        byte[] content = buffer.ToArray();
        return Digest.Compute(content) == manifest.Digest
            ? content
            : throw new RegionStoreException(source.Region, $"read manifest {manifest.Digest.Short}", RegionStoreFailure.DigestMismatch, "its bytes do not hash to its digest");
    }

    private async Task<long> CopyAsync(string region, string source, RepositoryName repository, IReadOnlyList<Descriptor> blobs, CancellationToken cancellationToken)
    {
        // Every blob goes through its replicator grain: concurrent needs of one blob in one region become one copy.
        BlobTransferResult[] results = await Task.WhenAll(blobs.Select(blob => EnsureAsync(region, blob, source, repository, cancellationToken))).ConfigureAwait(false);
        return results.Sum(r => r.BytesWritten);
    }

    /// <summary>Asks the blob's replicator until the transfer is done: a long copy is reported, not held in one call.</summary>
    private async Task<BlobTransferResult> EnsureAsync(string region, Descriptor blob, string source, RepositoryName repository, CancellationToken cancellationToken)
    {
        IBlobReplicatorGrain replicator = grains.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For(region, blob.Digest));
        var request = new BlobTransferRequest(blob.Digest, blob.Size, repository.ToString(), [source]);
        while (true)
        {
            BlobTransferResult result = await replicator.EnsureAsync(request).ConfigureAwait(false);
            if (result.Mode != BlobTransferMode.InProgress)
            {
                return result;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A region's sync slot as one sync holds it: given back while the sync's blobs transfer.</summary>
    private sealed class SyncSlot(RegionThrottle throttle, string region) : IDisposable
    {
        private IDisposable? _held;

        public async Task AcquireAsync(CancellationToken cancellationToken) =>
            _held = await throttle.AcquireSyncAsync(region, cancellationToken).ConfigureAwait(false);

        /// <summary>Runs <paramref name="work"/> without the slot, then waits for it again.</summary>
        public async Task<T> ReleasedWhileAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
        {
            Dispose();
            T result = await work().ConfigureAwait(false);
            await AcquireAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }

        public void Dispose()
        {
            _held?.Dispose();
            _held = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}:{Tag}` in `{Region}` is not Synced yet: {Reason}")]
    private partial void LogWaiting(string repository, string tag, string region, string reason);
}
