using GeoSync.Domain.Content.Manifests;

namespace GeoSync.Domain.Content.Graph;

/// <summary>One piece of content of an image graph.</summary>
/// <param name="Descriptor">The descriptor that first named the content (the root's, or the parent's entry with its platform).</param>
/// <param name="Kind">The role the content plays.</param>
public sealed record ImageGraphNode(Descriptor Descriptor, ImageGraphNodeKind Kind)
{
    /// <summary>The parsed document, for <see cref="ImageGraphNodeKind.Index"/> and <see cref="ImageGraphNodeKind.Manifest"/> nodes.</summary>
    public ManifestDocument? Document { get; init; }

    /// <summary>The content's digest.</summary>
    public Digest Digest => Descriptor.Digest;

    /// <summary>True for manifests and indexes (stored as manifest revisions); false for blobs.</summary>
    public bool IsManifest => Kind is ImageGraphNodeKind.Index or ImageGraphNodeKind.Manifest;
}
