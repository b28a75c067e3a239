using GeoSync.Domain.Content;

namespace GeoSync.Domain.Replication;

/// <summary>What a target region lacks for one image, in the order it must be written.</summary>
/// <param name="BlobsToCopy">Blobs (configs, layers and manifest bytes) the region's store does not hold: bytes must cross.</param>
/// <param name="LayersToLink">Config and layer blobs the repository does not link yet (a mount when the blob is present).</param>
/// <param name="ManifestsToLink">Manifests to link, children before parents, so no parent is served before its children.</param>
/// <param name="TagsToMove">Tags to point, last of all.</param>
public sealed record RegionPlan(
    IReadOnlyList<Descriptor> BlobsToCopy,
    IReadOnlyList<Descriptor> LayersToLink,
    IReadOnlyList<Descriptor> ManifestsToLink,
    IReadOnlyList<KeyValuePair<string, Digest>> TagsToMove)
{
    /// <summary>True when the region already holds everything: nothing to write.</summary>
    public bool IsEmpty => BlobsToCopy.Count == 0 && LayersToLink.Count == 0 && ManifestsToLink.Count == 0 && TagsToMove.Count == 0;

    /// <summary>Bytes that must cross into the region.</summary>
    public long BytesToCopy => BlobsToCopy.Sum(d => d.Size);
}

/// <summary>What the target region was found to hold, as the planner needs it.</summary>
/// <param name="PresentBlobs">Digests the region's blob store holds.</param>
/// <param name="LinkedLayers">Layer links of the repository.</param>
/// <param name="LinkedManifests">Manifest revision links of the repository.</param>
/// <param name="Tags">What each relevant tag points at now.</param>
public sealed record RegionHoldings(
    IReadOnlySet<Digest> PresentBlobs,
    IReadOnlySet<Digest> LinkedLayers,
    IReadOnlySet<Digest> LinkedManifests,
    IReadOnlyDictionary<string, Digest> Tags);

/// <summary>Computes a <see cref="RegionPlan"/>: pure, so every replication case is a table-driven test.</summary>
public static class RegionPlanner
{
    /// <summary>
    /// Plans one image: <paramref name="blobs"/> are configs and layers, <paramref name="manifests"/> the manifests
    /// (children before parents), <paramref name="tags"/> the tags to point at them.
    /// </summary>
    public static RegionPlan Plan(
        IReadOnlyList<Descriptor> blobs,
        IReadOnlyList<Descriptor> manifests,
        IReadOnlyList<KeyValuePair<string, Digest>> tags,
        RegionHoldings holdings)
    {
        var toCopy = new List<Descriptor>();
        var seen = new HashSet<Digest>();
        foreach (Descriptor descriptor in blobs.Concat(manifests))
        {
            if (seen.Add(descriptor.Digest) && !holdings.PresentBlobs.Contains(descriptor.Digest))
            {
                toCopy.Add(descriptor);
            }
        }

        var layerSeen = new HashSet<Digest>();
        List<Descriptor> toLink = [.. blobs.Where(b => layerSeen.Add(b.Digest) && !holdings.LinkedLayers.Contains(b.Digest))];
        var manifestSeen = new HashSet<Digest>();
        List<Descriptor> manifestsToLink = [.. manifests.Where(m => manifestSeen.Add(m.Digest) && !holdings.LinkedManifests.Contains(m.Digest))];
        List<KeyValuePair<string, Digest>> tagsToMove =
            [.. tags.Where(t => !holdings.Tags.TryGetValue(t.Key, out Digest current) || current != t.Value)];
        return new RegionPlan(toCopy, toLink, manifestsToLink, tagsToMove);
    }
}
