using System.Diagnostics;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Repositories;
using GeoSync.Storage;
using Microsoft.Extensions.Logging;
using GeoSync.Domain.Text;

namespace GeoSync.Grains.Replication;

/// <summary>
/// Makes one region hold one tagged image: resolves the image graph (and its referrers) in the source region,
/// plans what the region lacks, has the blob replicators copy the missing blobs, writes links children-first and
/// moves the tag last. The region is Synced only when all of that succeeded. The region the push came from is only
/// checked (<see cref="SourceRegionCheck"/>): GeoSync never writes a tag there.
/// </summary>
public sealed partial class RegionReplicator(
    RegionDirectory regions,
    RegionThrottle throttle,
    IGrainFactory grains,
    ReferrerIndex referrers,
    ImageGraphCache graphs,
    TimeProvider time,
    ILogger<RegionReplicator> logger) : IRegionReplicator
{
    private const int HoldingsParallelism = 16;

    /// <summary>How long a region's own push, whose event has not been applied, keeps GeoSync from moving its tag.</summary>
    private static readonly TimeSpan LocalPushGrace = TimeSpan.FromMinutes(5);
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
        DesiredTag desired = work.Desired!;
        string source = desired.SourceRegion;
        IRegionStore sourceStore = regions[source].Store;
        var root = new Descriptor(desired.MediaType, desired.Digest!.Value, desired.Size);
        using var slot = new SyncSlot(throttle, work.Region);
        await slot.AcquireAsync(cancellationToken).ConfigureAwait(false);
        ImageGraph image = await graphs.GetAsync(sourceStore, repository, root, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> platforms = [.. image.Platforms.Select(p => p.ToString())];
        // A referrer replicates with its subject and settles by itself: a gate holds deployable images only.
        bool referrer = Referrers.IsReferrer(image.Root.Document, Tag.Parse(work.Key));
        IReadOnlyList<string> gates = referrer ? [] : work.Target?.RequiredReferrerArtifactTypes ?? [];
        RegionWorkResult result = work.Region == source
            ? await _source.SyncedAsync(work, repository, target, image, gates, platforms, cancellationToken).ConfigureAwait(false)
            : await SyncImageAsync(work, repository, target, image, root, platforms, gates, slot, cancellationToken).ConfigureAwait(false);
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
        Descriptor root,
        IReadOnlyList<string> platforms,
        IReadOnlyList<string> gates,
        SyncSlot slot,
        CancellationToken cancellationToken)
    {
        string source = work.Desired!.SourceRegion;
        IRegionStore sourceStore = regions[source].Store;

        // Referrers (signatures, SBOMs) of any manifest of the image follow it, subject first.
        var blobs = new List<Descriptor>(image.Blobs.Select(n => n.Descriptor));
        var manifests = new List<Descriptor>(image.Manifests.Select(n => n.Descriptor));
        var tags = new List<KeyValuePair<string, Digest>>();
        IReadOnlyList<Referrer> found = [];
        if (work.Target?.Referrers ?? true)
        {
            found = await referrers.FindAsync(source, repository, image.Manifests.Select(m => m.Digest).ToHashSet(), cancellationToken).ConfigureAwait(false);
            foreach (Referrer referrer in found)
            {
                ImageGraph graph = await graphs.GetAsync(sourceStore, repository, referrer.Descriptor, cancellationToken).ConfigureAwait(false);
                blobs.AddRange(graph.Blobs.Select(n => n.Descriptor));
                manifests.AddRange(graph.Manifests.Select(n => n.Descriptor));
                if (referrer.Tag is not null)
                {
                    tags.Add(new(referrer.Tag, referrer.Descriptor.Digest));
                }
            }
        }

        IReadOnlyList<string> missing = GateCheck.Missing(gates, found);
        string? unexplained = await UnexplainedTagAsync(work, repository, target, root.Digest, cancellationToken).ConfigureAwait(false);
        bool moveTag = missing.Count == 0 && unexplained is null;
        if (moveTag)
        {
            tags.Add(new(work.Key, root.Digest));
        }

        RegionHoldings holdings = await ReadHoldingsAsync(target, repository, blobs, manifests, tags, cancellationToken).ConfigureAwait(false);
        RegionPlan plan = RegionPlanner.Plan(blobs, manifests, tags, holdings);

        // A store that takes manifests only whole (a registry) gets their bytes when they are put, children first.
        HashSet<Digest> putWhole = target.ManifestsAreBlobs ? [] : [.. manifests.Select(m => m.Digest)];
        List<Descriptor> toCopy = [.. plan.BlobsToCopy.Where(b => !putWhole.Contains(b.Digest))];
        long bytes = toCopy.Count == 0
            ? 0
            : await slot.ReleasedWhileAsync(() => CopyAsync(work.Region, source, repository, toCopy, cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (Descriptor layer in plan.LayersToLink)
        {
            await target.LinkLayerAsync(repository, layer.Digest, cancellationToken).ConfigureAwait(false);
        }

        foreach (Descriptor manifest in plan.ManifestsToLink)
        {
            if (putWhole.Contains(manifest.Digest))
            {
                byte[] content = await ReadManifestAsync(sourceStore, repository, manifest, cancellationToken).ConfigureAwait(false);
                bytes += await target.PutManifestAsync(repository, manifest, content, cancellationToken).ConfigureAwait(false);
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

        if (!moveTag)
        {
            return new RegionWorkResult(work, ReplicationState.Pending, bytes, missing.Count > 0 ? GateCheck.Describe(missing) : unexplained, platforms);
        }

        return new RegionWorkResult(work, ReplicationState.Synced, bytes, null, platforms);
    }

    /// <summary>
    /// Why the region's tag must not be moved yet, or null: it names a digest no applied push of the tag named, so the
    /// region's own registry moved it and that push's event is still on its way (it may be the later push). A tag
    /// that stays unexplained past a grace period diverged without an event, and the decision overwrites it.
    /// </summary>
    private async Task<string?> UnexplainedTagAsync(RegionWork work, RepositoryName repository, IRegionStore target, Digest desired, CancellationToken cancellationToken)
    {
        if (work.KnownDigests is not { } known || time.GetUtcNow() - work.Desired!.AcceptedAt > LocalPushGrace)
        {
            return null;
        }

        Digest? held = await target.ReadTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
        return held is Digest other && other != desired && !known.Contains(other)
            ? $"the tag names {other.Short} there, pushed in that region; waiting for that push's event"
            : null;
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

    private static async Task<RegionHoldings> ReadHoldingsAsync(
        IRegionStore target,
        RepositoryName repository,
        IReadOnlyList<Descriptor> blobs,
        IReadOnlyList<Descriptor> manifests,
        IReadOnlyList<KeyValuePair<string, Digest>> tags,
        CancellationToken cancellationToken)
    {
        var present = new HashSet<Digest>();
        var layers = new HashSet<Digest>();
        var linkedManifests = new HashSet<Digest>();
        var gate = new Lock();
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(target.Capacity.Slots, HoldingsParallelism), CancellationToken = cancellationToken };
        HashSet<Digest> blobDigests = [.. blobs.Select(b => b.Digest)];
        HashSet<Digest> manifestDigests = [.. manifests.Select(m => m.Digest)];
        await Parallel.ForEachAsync(blobDigests.Union(manifestDigests), options, async (digest, ct) =>
        {
            bool isPresent = await target.StatBlobAsync(repository, digest, ct).ConfigureAwait(false) is not null;
            bool layerLinked = blobDigests.Contains(digest) && await target.HasLayerLinkAsync(repository, digest, ct).ConfigureAwait(false);
            bool manifestLinked = manifestDigests.Contains(digest) && await target.HasManifestLinkAsync(repository, digest, ct).ConfigureAwait(false);
            lock (gate)
            {
                if (isPresent)
                {
                    present.Add(digest);
                }

                if (layerLinked)
                {
                    layers.Add(digest);
                }

                if (manifestLinked)
                {
                    linkedManifests.Add(digest);
                }
            }
        }).ConfigureAwait(false);

        var current = new Dictionary<string, Digest>(StringComparer.Ordinal);
        foreach ((string tag, Digest _) in tags)
        {
            if (await target.ReadTagAsync(repository, Tag.Parse(tag), cancellationToken).ConfigureAwait(false) is Digest digest)
            {
                current[tag] = digest;
            }
        }

        return new RegionHoldings(present, layers, linkedManifests, current);
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
