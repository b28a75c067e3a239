using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Storage;

namespace GeoSync.Grains.Replication;

/// <summary>
/// Writes what a region lacks of an image once its blobs are there: layer links, then manifests children first. A
/// store that takes manifests only whole (a registry) gets their bytes, read from the source and verified.
/// </summary>
internal static class ManifestWriter
{
    /// <summary>The bytes of manifests put whole (0 where manifests are only linked).</summary>
    public static async Task<long> WriteAsync(
        IRegionStore target,
        IRegionStore source,
        RepositoryName repository,
        RegionPlan plan,
        IReadOnlySet<Digest> putWhole,
        CancellationToken cancellationToken)
    {
        long bytes = 0;
        foreach (Descriptor layer in plan.LayersToLink)
        {
            await target.LinkLayerAsync(repository, layer.Digest, cancellationToken).ConfigureAwait(false);
        }

        foreach (Descriptor manifest in plan.ManifestsToLink)
        {
            if (putWhole.Contains(manifest.Digest))
            {
                byte[] content = await ReadManifestAsync(source, repository, manifest, cancellationToken).ConfigureAwait(false);
                bytes += await target.PutManifestAsync(repository, manifest, content, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await target.LinkManifestAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false);
            }
        }

        return bytes;
    }

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
}
