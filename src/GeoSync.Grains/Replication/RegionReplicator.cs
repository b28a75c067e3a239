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
        using var slot = new SyncSlot(throttle, work.Region);
        await slot.AcquireAsync(cancellationToken).ConfigureAwait(false);
        ImageGraph image = await planner.GraphAsync(work, repository, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> platforms = [.. image.Platforms.Select(p => p.ToString())];
        bool referrer = ImageTransferPlanner.IsReferrer(work, image);
        IReadOnlyList<string> gates = ImageTransferPlanner.Gates(work, image);
        RegionWorkResult result = work.Region == work.Desired!.SourceRegion
            ? await _source.SyncedAsync(work, repository, target, image, gates, platforms, cancellationToken).ConfigureAwait(false)
            : await SyncImageAsync(new ImageSync(work, repository, target, image, platforms, gates, slot, progress), cancellationToken).ConfigureAwait(false);
        result = result with { Referrer = referrer };
        if (result.State == ReplicationState.Pending)
        {
            LogWaiting(work.Repository, work.Key, work.Region, LogText.Escape(result.Detail ?? string.Empty));
        }

        return result;
    }

    private async Task<RegionWorkResult> SyncImageAsync(ImageSync sync, CancellationToken cancellationToken)
    {
        (RegionWork work, RepositoryName repository, IRegionStore target, ImageGraph image, _, _, _, _) = sync;
        string source = work.Desired!.SourceRegion;
        IRegionStore sourceStore = regions[source].Store;

        ImageTransfer transfer = await planner.PlanAsync(work, repository, target, image, sync.Gates, cancellationToken).ConfigureAwait(false);
        long bytes = transfer.BlobCopies.Count == 0
            ? 0
            : await sync.Slot.ReleasedWhileAsync(() => _blobs.CopyAsync(work.Region, source, repository, transfer.BlobCopies, sync.Progress, cancellationToken), cancellationToken).ConfigureAwait(false);
        long put = await ManifestWriter.WriteAsync(target, sourceStore, repository, transfer.Plan, transfer.ManifestPuts.Select(m => m.Digest).ToHashSet(), cancellationToken).ConfigureAwait(false);
        links.Record(source, work.Region, put);
        bytes += put;

        // Checked again just before the tag is written: the region's own push may have landed while the blobs copied.
        (bool moveTag, string? unexplained) = (transfer.MoveTag, transfer.Unexplained);
        if (moveTag && await _targetTag.UnexplainedAsync(work, repository, target, cancellationToken).ConfigureAwait(false) is { } landed)
        {
            (moveTag, unexplained) = (false, landed);
        }

        // The tag last: the region's registry never serves a tag whose content is incomplete.
        foreach ((string tag, Digest digest) in transfer.Plan.TagsToMove.Where(t => moveTag || t.Key != work.Key))
        {
            await target.SetTagAsync(repository, Tag.Parse(tag), digest, cancellationToken).ConfigureAwait(false);
        }

        return moveTag
            ? new RegionWorkResult(work, ReplicationState.Synced, bytes, null, sync.Platforms)
            : new RegionWorkResult(work, ReplicationState.Pending, bytes, transfer.MissingGates.Count > 0 ? GateCheck.Describe(transfer.MissingGates) : unexplained, sync.Platforms);
    }

    private static bool HoldsReferrers(RegionWork work) => Referrers.IsReferrerTag(Tag.Parse(work.Key));

    /// <summary>One target region's sync of one image, as planned in <see cref="SyncAsync"/>.</summary>
    private sealed record ImageSync(
        RegionWork Work,
        RepositoryName Repository,
        IRegionStore Target,
        ImageGraph Image,
        IReadOnlyList<string> Platforms,
        IReadOnlyList<string> Gates,
        SyncSlot Slot,
        Func<CopyProgress, Task>? Progress);

    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}:{Tag}` in `{Region}` is not Synced yet: {Reason}")]
    private partial void LogWaiting(string repository, string tag, string region, string reason);
}
