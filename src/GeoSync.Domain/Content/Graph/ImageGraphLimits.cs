namespace GeoSync.Domain.Content.Graph;

/// <summary>Protections applied while resolving an image graph from content a registry holds.</summary>
public sealed record ImageGraphLimits
{
    /// <summary>The defaults.</summary>
    public static ImageGraphLimits Default { get; } = new();

    /// <summary>How many manifests may nest, the root counting as 1 (an index of manifests is 2).</summary>
    public int MaxDepth { get; init; } = 8;

    /// <summary>The most distinct descriptors (manifests and blobs) one graph may name.</summary>
    public int MaxDescriptors { get; init; } = 10_000;

    /// <summary>The largest manifest accepted; distribution refuses manifests over 4 MiB.</summary>
    public long MaxManifestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How many child manifests of an index are fetched at once.</summary>
    public int MaxConcurrentFetches { get; init; } = 4;

    /// <summary>
    /// Whether fetched manifest bytes must match their descriptor's digest and size. Leave on: only a caller that has
    /// verified the bytes itself may switch it off.
    /// </summary>
    public bool VerifyManifests { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first limit that is not positive.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDescriptors, 1, nameof(MaxDescriptors));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxManifestBytes, 1, nameof(MaxManifestBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentFetches, 1, nameof(MaxConcurrentFetches));
    }
}
