using GeoSync.Domain.Content.Manifests;

namespace GeoSync.Domain.Content.Graph;

/// <summary>
/// Resolves the image graph of a root manifest or index: fetches manifests through the caller's delegate (the domain
/// does no I/O), verifies and parses them, and lists every manifest and blob to replicate, children before parents.
/// </summary>
/// <remarks>
/// Blobs are named, never fetched. A manifest's <c>subject</c> is not followed: it is the referrer's parent, which
/// replicates on its own. Protections: cycles, nesting depth, descriptor count, manifest size, and (unless switched
/// off) digest and size verification of every fetched manifest; each fails with an <see cref="ImageGraphException"/>.
/// Exceptions of the fetch delegate propagate unchanged.
/// </remarks>
public sealed class ImageGraphBuilder
{
    private readonly Func<Descriptor, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> _fetch;
    private readonly ImageGraphLimits _limits;

    /// <summary>Creates a builder.</summary>
    /// <param name="fetch">Returns the bytes of a manifest, exactly as stored.</param>
    /// <param name="limits">The protections; <see cref="ImageGraphLimits.Default"/> when null.</param>
    public ImageGraphBuilder(Func<Descriptor, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> fetch, ImageGraphLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        _fetch = fetch;
        _limits = limits ?? ImageGraphLimits.Default;
        _limits.Validate();
    }

    /// <summary>Resolves the graph of <paramref name="root"/>, fetching the root manifest too.</summary>
    public Task<ImageGraph> BuildAsync(Descriptor root, CancellationToken cancellationToken = default) =>
        BuildCoreAsync(root, null, cancellationToken);

    /// <summary>Resolves the graph of <paramref name="root"/> whose bytes the caller already holds (verified like fetched ones).</summary>
    public Task<ImageGraph> BuildAsync(Descriptor root, ReadOnlyMemory<byte> rootContent, CancellationToken cancellationToken = default) =>
        BuildCoreAsync(root, rootContent, cancellationToken);

    private async Task<ImageGraph> BuildCoreAsync(Descriptor root, ReadOnlyMemory<byte>? rootContent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(root);
        using var walkCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var walk = new ImageGraphWalk(_fetch, _limits, root.Digest, walkCancellation.Token);
        try
        {
            return await walk.RunAsync(root, rootContent).ConfigureAwait(false);
        }
        finally
        {
            // Stop fetches the failed walk no longer needs, and observe them so none faults unobserved.
            await walkCancellation.CancelAsync().ConfigureAwait(false);
            await walk.DrainAsync().ConfigureAwait(false);
        }
    }
}
