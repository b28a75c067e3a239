using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>
/// A real region store, wrapped: counts blob writes, can fail as an unreachable store (every call) or refuse blob
/// writes only, and can hold blob reads until released. It offers no server-side copy, so every transferred byte
/// passes through it, where it is counted and can be held.
/// </summary>
public sealed class TestRegionStore(IRegionStore inner) : IRegionStore
{
    private readonly ConcurrentDictionary<Digest, int> _writes = new();
    private int _refusedWrites;
    private int _tagWrites;
    private volatile bool _down;
    private volatile bool _refuseWrites;
    private volatile TaskCompletionSource? _readGate;
    private Digest? _heldDigest;

    public IRegionStore Inner => inner;

    /// <summary>While true, every operation fails as an unreachable store does.</summary>
    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>While true, blob writes fail (the store is reachable for everything else).</summary>
    public bool RefuseWrites
    {
        get => _refuseWrites;
        set => _refuseWrites = value;
    }

    /// <summary>Completes when a blob read reaches the gate set by <see cref="HoldReads"/>.</summary>
    public TaskCompletionSource ReadReached { get; private set; } = NewSignal();

    /// <summary>Blob reads (of <paramref name="only"/>, or of every blob) wait until the returned gate is completed.</summary>
    public TaskCompletionSource HoldReads(Digest? only = null)
    {
        ReadReached = NewSignal();
        _heldDigest = only;
        TaskCompletionSource gate = NewSignal();
        _readGate = gate;
        return gate;
    }

    /// <summary>Blob writes of <paramref name="digest"/> that reached the inner store (refused ones not counted).</summary>
    public int BlobWrites(Digest digest) => _writes.GetValueOrDefault(digest);

    /// <summary>Tags set or deleted in this store through it.</summary>
    public int TagWrites => Volatile.Read(ref _tagWrites);

    /// <summary>Blob writes refused while <see cref="RefuseWrites"/> was set.</summary>
    public int RefusedWrites => Volatile.Read(ref _refusedWrites);

    public string Region => inner.Region;

    public string Kind => inner.Kind;

    public StoreCapacity Capacity => inner.Capacity;

    public Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.StatBlobAsync(digest, cancellationToken));

    public async Task<Stream> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        if (_readGate is { } gate && (_heldDigest is null || _heldDigest == digest))
        {
            ReadReached.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
        }

        return await Guard(() => inner.OpenBlobAsync(digest, cancellationToken));
    }

    public async Task<long> WriteBlobAsync(Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        if (_refuseWrites)
        {
            Interlocked.Increment(ref _refusedWrites);
            throw new RegionStoreException(Region, $"write blob {digest.Short}", RegionStoreFailure.Unavailable, "writes are refused (test)");
        }

        _writes.AddOrUpdate(digest, 1, (_, n) => n + 1);
        return await Guard(() => inner.WriteBlobAsync(digest, content, expectedSize, cancellationToken));
    }

    public bool CanCopyServerSide(IRegionStore source) => false;

    public Task<long> CopyBlobServerSideAsync(IRegionStore source, Digest digest, long size, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the test store streams every copy");

    public Task LinkLayerAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.LinkLayerAsync(repository, digest, cancellationToken));

    public Task<bool> HasLayerLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.HasLayerLinkAsync(repository, digest, cancellationToken));

    public Task LinkManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.LinkManifestAsync(repository, digest, cancellationToken));

    public Task<bool> HasManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.HasManifestLinkAsync(repository, digest, cancellationToken));

    public Task<Digest?> ReadTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) => Guard(() => inner.ReadTagAsync(repository, tag, cancellationToken));

    public Task SetTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _tagWrites);
        return Guard(() => inner.SetTagAsync(repository, tag, digest, cancellationToken));
    }

    public Task DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _tagWrites);
        return Guard(() => inner.DeleteTagAsync(repository, tag, cancellationToken));
    }

    public Task DeleteManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.DeleteManifestLinkAsync(repository, digest, cancellationToken));


    public IAsyncEnumerable<RepositoryName> ListRepositoriesAsync(CancellationToken cancellationToken = default) => GuardEnumerable(inner.ListRepositoriesAsync(cancellationToken));

    public IAsyncEnumerable<Tag> ListTagsAsync(RepositoryName repository, CancellationToken cancellationToken = default) => GuardEnumerable(inner.ListTagsAsync(repository, cancellationToken));

    public IAsyncEnumerable<Digest> ListManifestRevisionsAsync(RepositoryName repository, CancellationToken cancellationToken = default) => GuardEnumerable(inner.ListManifestRevisionsAsync(repository, cancellationToken));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private T Guard<T>(Func<T> call) =>
        _down ? throw new RegionStoreException(Region, "any", RegionStoreFailure.Unavailable, "the store is unreachable (test)") : call();

    private async IAsyncEnumerable<T> GuardEnumerable<T>(IAsyncEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Guard(() => 0);
        await foreach (T item in items.WithCancellation(cancellationToken))
        {
            yield return item;
        }
    }
}
