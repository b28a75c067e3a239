namespace GeoSync.Domain.Content.Graph;

/// <summary>The role a piece of content plays in an image graph.</summary>
public enum ImageGraphNodeKind
{
    /// <summary>A manifest listing other manifests (OCI index, Docker manifest list).</summary>
    Index,

    /// <summary>A manifest listing a config and layers (or the blobs of an artifact).</summary>
    Manifest,

    /// <summary>The config blob of a manifest.</summary>
    Config,

    /// <summary>A layer blob of a manifest.</summary>
    Layer,

    /// <summary>Another blob an artifact names (its <c>blobs</c>).</summary>
    Blob,
}
