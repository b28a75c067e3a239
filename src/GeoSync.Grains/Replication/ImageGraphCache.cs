using System.Collections.Concurrent;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Grains.Replication;

/// <summary>
/// Resolves image graphs from a region's store and remembers them by root digest: a graph is a function of
/// immutable content, and every target region of one push asks for the same graph at the same moment.
/// </summary>
public sealed class ImageGraphCache(ImageGraphLimits? limits = null)
{
    private const int Capacity = 4096;
    private readonly ConcurrentDictionary<Digest, Lazy<Task<ImageGraph>>> _graphs = new();
    private readonly ImageGraphLimits _limits = limits ?? new ImageGraphLimits();

    /// <summary>The graph of <paramref name="root"/>, read from <paramref name="repository"/> in <paramref name="store"/>.</summary>
    public async Task<ImageGraph> GetAsync(IRegionStore store, RepositoryName repository, Descriptor root, CancellationToken cancellationToken = default)
    {
        if (_graphs.Count > Capacity)
        {
            _graphs.Clear();
        }

        var build = new Lazy<Task<ImageGraph>>(() => BuildAsync(store, repository, root, cancellationToken));
        Lazy<Task<ImageGraph>> entry = _graphs.GetOrAdd(root.Digest, build);
        try
        {
            return await entry.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed build (source unreachable, content missing) is not remembered.
            _graphs.TryRemove(new KeyValuePair<Digest, Lazy<Task<ImageGraph>>>(root.Digest, entry));
            throw;
        }
    }

    private Task<ImageGraph> BuildAsync(IRegionStore store, RepositoryName repository, Descriptor root, CancellationToken cancellationToken)
    {
        var builder = new ImageGraphBuilder(
            async (descriptor, ct) =>
            {
                await using Stream stream = await store.OpenBlobAsync(repository, descriptor.Digest, ct).ConfigureAwait(false);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                return buffer.ToArray();
            },
            _limits);
        return builder.BuildAsync(root, cancellationToken);
    }
}
