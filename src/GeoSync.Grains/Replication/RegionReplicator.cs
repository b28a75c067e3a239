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
    private readonly SourceRegionCheck _source = new(referrers, time);
    private readonly TargetTagCheck _targetTag = new(time);
    private readonly BlobCopier _blobs = new(grains);

    /// <inheritdoc />
    public async Task<RegionWorkResult> ExecuteAsync(RegionWork work, Func<CopyProgress, Task>? progress = null, CancellationToken cancellationToken = default)
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
                    return await DeleteTagAsync(work, repository, target, cancellationToken).ConfigureAwait(false) with { Referrer = HoldsReferrers(work) };
                case RegionWorkKind.DeleteManifest:
                    using (await throttle.AcquireSyncAsync(work.Region, cancellationToken).ConfigureAwait(false))
                    {
                        await target.DeleteManifestLinkAsync(repository, work.Digest!.Value, cancellationToken).ConfigureAwait(false);
                    }

                    return new RegionWorkResult(work, ReplicationState.Deleted, 0, null, []);
                default:
                    return await SyncAsync(work, repository, target, progress, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is RegionStoreException or FormatException or InvalidDataException or ImageGraphException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return new RegionWorkResult(work, ReplicationState.Failed, 0, ex.Message, []) { SourceMissing = IsMissingAtSource(ex, work) };
        }
    }

    /// <summary>
    /// The image is not at the push's source (never written there, or gone) or cannot be replicated as it is there:
    /// no retry helps until someone puts it right.
    /// </summary>
    private static bool IsMissingAtSource(Exception ex, RegionWork work) =>
        work.Kind == RegionWorkKind.SyncTag
        && (ex is ImageGraphException || (ex is RegionStoreException { Failure: RegionStoreFailure.NotFound } missing && missing.Region == work.Desired?.SourceRegion));

    /// <summary>The tag removed from a target region, unless that region has pushed it again itself (its event on the way).</summary>
    private async Task<RegionWorkResult> DeleteTagAsync(RegionWork work, RepositoryName repository, IRegionStore target, CancellationToken cancellationToken)
    {
        using (await throttle.AcquireSyncAsync(work.Region, cancellationToken).ConfigureAwait(false))
        {
            if (await _targetTag.UnexplainedAsync(work, repository, target, cancellationToken).ConfigureAwait(false) is { } pushed)
            {
                LogWaiting(work.Repository, work.Key, work.Region, LogText.Escape(pushed));
                return new RegionWorkResult(work, ReplicationState.Pending, 0, pushed, []);
            }

            await target.DeleteTagAsync(repository, Tag.Parse(work.Key), cancellationToken).ConfigureAwait(false);
        }

        return new RegionWorkResult(work, ReplicationState.Deleted, 0, null, []);
    }

    /// <summary>
    /// Plans and writes under the region's sync slot, and gives the slot back while the blobs transfer (they have
    /// slots of their own), so a large image never holds up the region's other syncs.
    /// </summary>
    private async Task<RegionWorkResult> SyncAsync(RegionWork work, RepositoryName repository, IRegionStore target, Func<CopyProgress, Task>? progress, CancellationToken cancellationToken)
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
            : await SyncImageAsync(new ImageSync(work, repository, target, image, root, platforms, gates, slot, progress), cancellationToken).ConfigureAwait(false);
        result = result with { Referrer = referrer };
        if (result.State == ReplicationState.Pending)
        {
            LogWaiting(work.Repository, work.Key, work.Region, LogText.Escape(result.Detail ?? string.Empty));
        }

        return result;
    }

    private async Task<RegionWorkResult> SyncImageAsync(ImageSync sync, CancellationToken cancellationToken)
    {
        (RegionWork work, RepositoryName repository, IRegionStore target, ImageGraph image, Descriptor root, _, _, _, _) = sync;
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

        IReadOnlyList<string> missing = GateCheck.Missing(sync.Gates, found);
        string? unexplained = await _targetTag.UnexplainedAsync(work, repository, target, cancellationToken).ConfigureAwait(false);
        bool moveTag = missing.Count == 0 && unexplained is null;
        if (moveTag)
        {
            tags.Add(new(work.Key, root.Digest));
        }

        RegionHoldings holdings = await RegionHoldingsReader.ReadAsync(target, repository, blobs, manifests, tags, cancellationToken).ConfigureAwait(false);
        RegionPlan plan = RegionPlanner.Plan(blobs, manifests, tags, holdings);

        // A store that takes manifests only whole (a registry) gets their bytes when they are put, children first.
        HashSet<Digest> putWhole = target.ManifestsAreBlobs ? [] : [.. manifests.Select(m => m.Digest)];
        List<Descriptor> toCopy = [.. plan.BlobsToCopy.Where(b => !putWhole.Contains(b.Digest))];
        long bytes = toCopy.Count == 0
            ? 0
            : await sync.Slot.ReleasedWhileAsync(() => _blobs.CopyAsync(work.Region, source, repository, toCopy, sync.Progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        bytes += await ManifestWriter.WriteAsync(target, sourceStore, repository, plan, putWhole, cancellationToken).ConfigureAwait(false);

        // Checked again just before the tag is written: the region's own push may have landed while the blobs copied.
        if (moveTag && await _targetTag.UnexplainedAsync(work, repository, target, cancellationToken).ConfigureAwait(false) is { } landed)
        {
            (moveTag, unexplained) = (false, landed);
        }

        // The tag last: the region's registry never serves a tag whose content is incomplete.
        foreach ((string tag, Digest digest) in plan.TagsToMove.Where(t => moveTag || t.Key != work.Key))
        {
            await target.SetTagAsync(repository, Tag.Parse(tag), digest, cancellationToken).ConfigureAwait(false);
        }

        return moveTag
            ? new RegionWorkResult(work, ReplicationState.Synced, bytes, null, sync.Platforms)
            : new RegionWorkResult(work, ReplicationState.Pending, bytes, missing.Count > 0 ? GateCheck.Describe(missing) : unexplained, sync.Platforms);
    }

    private static bool HoldsReferrers(RegionWork work) => Referrers.IsReferrerTag(Tag.Parse(work.Key));

    /// <summary>One target region's sync of one image, as planned in <see cref="SyncAsync"/>.</summary>
    private sealed record ImageSync(
        RegionWork Work,
        RepositoryName Repository,
        IRegionStore Target,
        ImageGraph Image,
        Descriptor Root,
        IReadOnlyList<string> Platforms,
        IReadOnlyList<string> Gates,
        SyncSlot Slot,
        Func<CopyProgress, Task>? Progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}:{Tag}` in `{Region}` is not Synced yet: {Reason}")]
    private partial void LogWaiting(string repository, string tag, string region, string reason);
}
