namespace GeoSync.Domain.Content.Graph;

/// <summary>Why an image graph could not be resolved.</summary>
public enum ImageGraphError
{
    /// <summary>A manifest (indirectly) lists itself.</summary>
    Cycle,

    /// <summary>Manifests nest deeper than <see cref="ImageGraphLimits.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>The graph names more than <see cref="ImageGraphLimits.MaxDescriptors"/> descriptors.</summary>
    TooManyDescriptors,

    /// <summary>A manifest is larger than <see cref="ImageGraphLimits.MaxManifestBytes"/>.</summary>
    ManifestTooLarge,

    /// <summary>Fetched manifest bytes do not hash to the descriptor's digest.</summary>
    DigestMismatch,

    /// <summary>Fetched manifest bytes are not as long as the descriptor says.</summary>
    SizeMismatch,

    /// <summary>A manifest is malformed (the inner <see cref="Manifests.ManifestFormatException"/> names the field).</summary>
    InvalidManifest,
}

/// <summary>
/// Content that cannot be replicated as an image graph. Unlike a failed fetch, retrying does not help: the content
/// itself is wrong or exceeds a limit.
/// </summary>
public sealed class ImageGraphException : Exception
{
    /// <summary>Creates the error.</summary>
    public ImageGraphException(ImageGraphError error, Digest digest, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Digest = digest;
    }

    /// <summary>What went wrong.</summary>
    public ImageGraphError Error { get; }

    /// <summary>The manifest where it went wrong.</summary>
    public Digest Digest { get; }
}
