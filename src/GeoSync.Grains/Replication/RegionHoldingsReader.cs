using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Storage;

namespace GeoSync.Grains.Replication;

/// <summary>What a region already holds of an image: blobs present, layer and manifest links, and the tags' current digests.</summary>
internal static class RegionHoldingsReader
{
    private const int Parallelism = 16;

    public static async Task<RegionHoldings> ReadAsync(
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
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(target.Capacity.Slots, Parallelism), CancellationToken = cancellationToken };
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
}
