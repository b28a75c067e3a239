namespace GeoSync.Domain.Content.Graph;

/// <summary>
/// Everything to replicate for one root manifest or index, each digest once, in the order a target must receive it:
/// blobs (configs, layers, artifact blobs) first, then manifests children before parents, the root last. Writing in
/// this order means a registry never serves a manifest whose content is missing.
/// </summary>
public sealed class ImageGraph
{
    private readonly Dictionary<Digest, ImageGraphNode> _manifestsByDigest;
    private readonly Dictionary<Digest, ImageGraphNode> _blobsByDigest;

    /// <summary>Creates a graph from nodes already in replication order; <paramref name="manifests"/> ends with the root.</summary>
    public ImageGraph(IReadOnlyList<ImageGraphNode> blobs, IReadOnlyList<ImageGraphNode> manifests)
    {
        if (manifests.Count == 0 || blobs.Any(b => b.IsManifest) || manifests.Any(m => !m.IsManifest))
        {
            throw new ArgumentException("an image graph needs blob nodes and at least one manifest node, the root last");
        }

        Blobs = blobs;
        Manifests = manifests;
        Nodes = [.. blobs, .. manifests];
        Root = manifests[^1];
        _blobsByDigest = blobs.ToDictionary(b => b.Digest);
        _manifestsByDigest = manifests.ToDictionary(m => m.Digest);
        TotalSize = Nodes.DistinctBy(n => n.Digest).Sum(n => n.Descriptor.Size);
        Platforms = Root.Kind == ImageGraphNodeKind.Index
            ? Root.Document!.Platforms.Where(p => p is not { Os: "unknown", Architecture: "unknown" }).ToList().AsReadOnly()
            : Root.Descriptor.Platform is { } platform ? [platform] : [];
    }

    /// <summary>The root manifest or index.</summary>
    public ImageGraphNode Root { get; }

    /// <summary>Every node: <see cref="Blobs"/>, then <see cref="Manifests"/>.</summary>
    public IReadOnlyList<ImageGraphNode> Nodes { get; }

    /// <summary>The config, layer and artifact blobs, each digest once, in discovery order.</summary>
    public IReadOnlyList<ImageGraphNode> Blobs { get; }

    /// <summary>The manifests and indexes, children before parents, the root last.</summary>
    public IReadOnlyList<ImageGraphNode> Manifests { get; }

    /// <summary>The bytes of all distinct content in the graph (what a region lacking all of it must receive).</summary>
    public long TotalSize { get; }

    /// <summary>
    /// The platforms an index offers, in index order (attestation entries of platform <c>unknown/unknown</c> left out);
    /// for a single manifest, the platform its descriptor named, if any.
    /// </summary>
    public IReadOnlyList<Platform> Platforms { get; }

    /// <summary>True when the graph holds the digest as a manifest or a blob.</summary>
    public bool Contains(Digest digest) => _manifestsByDigest.ContainsKey(digest) || _blobsByDigest.ContainsKey(digest);

    /// <summary>The manifest node of a digest, when the graph holds it as a manifest.</summary>
    public ImageGraphNode? FindManifest(Digest digest) => _manifestsByDigest.GetValueOrDefault(digest);

    /// <summary>The blob node of a digest, when the graph holds it as a blob.</summary>
    public ImageGraphNode? FindBlob(Digest digest) => _blobsByDigest.GetValueOrDefault(digest);
}
