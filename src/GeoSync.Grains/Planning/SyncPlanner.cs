using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Storage;

namespace GeoSync.Grains.Planning;

/// <summary>
/// The dry run behind <c>geosync plan</c>: what a resync of a repository would copy into each target region, asked
/// of the same code a sync runs (<see cref="RepositoryReconciler"/> decides, <see cref="ImageTransferPlanner"/> plans
/// each image, <see cref="BlobSources"/> picks each blob's source). It reads stores and writes nothing, and it
/// activates no grain: it starts from the repository's published state.
/// </summary>
public sealed class SyncPlanner(
    RepositoryReconciler reconciler,
    IReplicationPolicy policy,
    RegionDirectory regions,
    ImageTransferPlanner images,
    BlobSources sources,
    TimeProvider time)
{
    /// <summary>
    /// Adds to <paramref name="plan"/> what a resync of <paramref name="repository"/> (its tag <paramref name="onlyTag"/>)
    /// would copy into every target region (only <paramref name="onlyRegion"/>), from its published <paramref name="state"/>.
    /// </summary>
    public async Task PlanAsync(SyncPlanBuilder plan, RepositoryName repository, RepositoryState state, string? onlyTag, string? onlyRegion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        RepositoryState decided = await reconciler.ReconcileAsync(repository, state, onlyTag, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach ((string tag, TagRecord record) in decided.Tags)
        {
            if ((onlyTag is not null && tag != onlyTag) || record.Desired.IsDeleted)
            {
                continue;
            }

            foreach ((string region, RegionTagRecord regionRecord) in record.Regions)
            {
                // The push's own region is only checked, never written; a settled region is not planned again.
                if (region == record.Desired.SourceRegion || regionRecord.IsSettled || !regions.Contains(region) || (onlyRegion is not null && region != onlyRegion))
                {
                    continue;
                }

                plan.Region(region);
                RegionWork work = WorkAssignment.TagWork(record, repository, tag, region, policy);
                try
                {
                    await PlanImageAsync(plan, work, repository, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RegionStoreException or FormatException or InvalidDataException or ImageGraphException)
                {
                    plan.Problem(region, $"{repository}:{tag}: {ex.Message}");
                }
            }
        }
    }

    private async Task PlanImageAsync(SyncPlanBuilder plan, RegionWork work, RepositoryName repository, CancellationToken cancellationToken)
    {
        string region = work.Region;
        string source = work.Desired!.SourceRegion;
        ImageGraph image = await images.GraphAsync(work, repository, cancellationToken).ConfigureAwait(false);
        ImageTransfer transfer = await images.PlanAsync(work, repository, regions[region].Store, image, ImageTransferPlanner.Gates(work, image), cancellationToken).ConfigureAwait(false);
        foreach (Descriptor manifest in transfer.Plan.ManifestsToLink)
        {
            plan.Manifest(region, repository.Value, manifest);
        }

        foreach (Descriptor blob in transfer.BlobCopies)
        {
            if (!plan.Copies(region, blob.Digest))
            {
                // As the blob's transfer asks, with the image's source as the known holder.
                string from = await sources.ChooseAsync(region, repository, blob.Digest, [source], cancellationToken).ConfigureAwait(false);
                plan.Copy(region, new PlannedCopy(repository.Value, blob.Digest, blob.Size, transfer.Manifests.Contains(blob.Digest), from));
            }
        }

        foreach (Descriptor manifest in transfer.ManifestPuts)
        {
            plan.Copy(region, new PlannedCopy(repository.Value, manifest.Digest, manifest.Size, Manifest: true, source), perRepository: true);
        }

        foreach ((string tag, Digest digest) in transfer.Plan.TagsToMove)
        {
            plan.Tag(region, repository.Value, tag, digest);
        }
    }
}
