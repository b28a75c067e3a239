using GeoSync.Domain.Content.Manifests;

namespace GeoSync.Domain.Content.Graph;

/// <summary>One depth-first resolution of an image graph (the state of a single <see cref="ImageGraphBuilder"/> call).</summary>
internal sealed class ImageGraphWalk(
    Func<Descriptor, CancellationToken, ValueTask<ReadOnlyMemory<byte>>> fetch,
    ImageGraphLimits limits,
    Digest root,
    CancellationToken cancellationToken)
{
    private readonly List<ImageGraphNode> _blobs = [];
    private readonly HashSet<Digest> _blobDigests = [];
    private readonly List<ImageGraphNode> _manifests = [];
    private readonly HashSet<Digest> _manifestsDone = [];
    private readonly HashSet<Digest> _manifestsSeen = [];
    private readonly List<Digest> _path = [];
    private readonly Dictionary<Digest, Task<ReadOnlyMemory<byte>>> _prefetches = [];
    private readonly SemaphoreSlim _fetchSlots = new(limits.MaxConcurrentFetches);

    public async Task<ImageGraph> RunAsync(Descriptor rootDescriptor, ReadOnlyMemory<byte>? rootContent)
    {
        Discover(rootDescriptor.Digest, isManifest: true);
        if (rootContent is { } content)
        {
            _prefetches[rootDescriptor.Digest] = Task.FromResult(content);
        }

        await VisitAsync(rootDescriptor, depth: 1).ConfigureAwait(false);
        return new ImageGraph(_blobs.AsReadOnly(), _manifests.AsReadOnly());
    }

    /// <summary>Waits for every fetch started, ignoring their outcome (the walk has already failed or finished).</summary>
    public async Task DrainAsync()
    {
        foreach (Task<ReadOnlyMemory<byte>> prefetch in _prefetches.Values)
        {
            try
            {
                await prefetch.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Observed on purpose: the walk reports its own error (or already awaited this task and failed with it).
            }
        }

        _fetchSlots.Dispose();
    }

    private async Task VisitAsync(Descriptor descriptor, int depth)
    {
        Digest digest = descriptor.Digest;
        if (_manifestsDone.Contains(digest))
        {
            return;
        }

        if (_path.Contains(digest))
        {
            throw Fail(ImageGraphError.Cycle, digest, $"manifests form a cycle: {Trail(digest)}");
        }

        if (depth > limits.MaxDepth)
        {
            throw Fail(ImageGraphError.TooDeep, digest, $"manifests nest deeper than {limits.MaxDepth} levels: {Trail(digest)}");
        }

        _path.Add(digest);
        ManifestDocument document = Parse(descriptor, await ContentOfAsync(descriptor).ConfigureAwait(false));
        var node = new ImageGraphNode(descriptor, document.IsIndex ? ImageGraphNodeKind.Index : ImageGraphNodeKind.Manifest)
        {
            Document = document,
        };

        AddBlob(document.Config, ImageGraphNodeKind.Config);
        foreach (Descriptor layer in document.Layers)
        {
            AddBlob(layer, ImageGraphNodeKind.Layer);
        }

        foreach (Descriptor blob in document.Blobs)
        {
            AddBlob(blob, ImageGraphNodeKind.Blob);
        }

        foreach (Descriptor child in document.Manifests)
        {
            Discover(child.Digest, isManifest: true);
        }

        // Children of an index are fetched concurrently, then visited in document order so the result is deterministic.
        foreach (Descriptor child in document.Manifests)
        {
            StartPrefetch(child);
        }

        foreach (Descriptor child in document.Manifests)
        {
            await VisitAsync(child, depth + 1).ConfigureAwait(false);
        }

        _path.RemoveAt(_path.Count - 1);
        _manifestsDone.Add(digest);
        _manifests.Add(node);
    }

    private void AddBlob(Descriptor? descriptor, ImageGraphNodeKind kind)
    {
        if (descriptor is not null && Discover(descriptor.Digest, isManifest: false))
        {
            _blobs.Add(new ImageGraphNode(descriptor, kind));
        }
    }

    /// <summary>Counts a newly named digest against the cap; true when it is new in its category.</summary>
    private bool Discover(Digest digest, bool isManifest)
    {
        bool added = isManifest ? _manifestsSeen.Add(digest) : _blobDigests.Add(digest);
        if (added && _manifestsSeen.Count + _blobDigests.Count > limits.MaxDescriptors)
        {
            throw Fail(ImageGraphError.TooManyDescriptors, root,
                $"the image graph of {root} names more than {limits.MaxDescriptors} descriptors");
        }

        return added;
    }

    private void StartPrefetch(Descriptor descriptor)
    {
        if (!_manifestsDone.Contains(descriptor.Digest) && !_path.Contains(descriptor.Digest)
            && !_prefetches.ContainsKey(descriptor.Digest) && descriptor.Size <= limits.MaxManifestBytes)
        {
            _prefetches[descriptor.Digest] = FetchAsync(descriptor);
        }
    }

    private async Task<ReadOnlyMemory<byte>> FetchAsync(Descriptor descriptor)
    {
        await _fetchSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await fetch(descriptor, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _fetchSlots.Release();
        }
    }

    private async Task<ReadOnlyMemory<byte>> ContentOfAsync(Descriptor descriptor)
    {
        Digest digest = descriptor.Digest;
        if (descriptor.Size > limits.MaxManifestBytes)
        {
            throw Fail(ImageGraphError.ManifestTooLarge, digest,
                $"manifest {digest} is {descriptor.Size} bytes; the limit is {limits.MaxManifestBytes}");
        }

        if (!_prefetches.TryGetValue(digest, out Task<ReadOnlyMemory<byte>>? content))
        {
            content = FetchAsync(descriptor);
            _prefetches[digest] = content;
        }

        ReadOnlyMemory<byte> bytes = await content.ConfigureAwait(false);
        _prefetches.Remove(digest); // observed; the walk never fetches a digest twice, so let the bytes go
        if (bytes.Length > limits.MaxManifestBytes)
        {
            throw Fail(ImageGraphError.ManifestTooLarge, digest,
                $"manifest {digest} fetched {bytes.Length} bytes; the limit is {limits.MaxManifestBytes}");
        }

        if (limits.VerifyManifests)
        {
            if (bytes.Length != descriptor.Size)
            {
                throw Fail(ImageGraphError.SizeMismatch, digest,
                    $"manifest {digest} fetched {bytes.Length} bytes but its descriptor says {descriptor.Size}");
            }

            Digest actual = Digest.Compute(bytes.Span);
            if (actual != digest)
            {
                throw Fail(ImageGraphError.DigestMismatch, digest, $"manifest fetched for {digest} hashes to {actual}");
            }
        }

        return bytes;
    }

    private ManifestDocument Parse(Descriptor descriptor, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return ManifestParser.Parse(bytes.Span, descriptor.MediaType);
        }
        catch (ManifestFormatException e)
        {
            throw Fail(ImageGraphError.InvalidManifest, descriptor.Digest,
                $"manifest {descriptor.Digest} ({Trail(null)}) is malformed: {e.Message}", e);
        }
    }

    private string Trail(Digest? next) =>
        string.Join(" → ", _path.Select(d => d.Short).Concat(next is { } n ? [n.Short] : []));

    private static ImageGraphException Fail(ImageGraphError error, Digest digest, string message, Exception? inner = null) =>
        new(error, digest, message, inner);
}
