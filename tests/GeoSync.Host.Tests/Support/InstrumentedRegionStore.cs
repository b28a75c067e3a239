using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Host.Tests.Support;

/// <summary>
/// Wraps a real region store: counts the bytes each write puts into it, and can be switched to fail every call as
/// an unreachable store does (the failure a test injects into a real store, not a fake store).
/// </summary>
public sealed class InstrumentedRegionStore(IRegionStore inner) : IRegionStore
{
    private readonly ConcurrentDictionary<Digest, long> _written = new();
    private readonly ConcurrentDictionary<Digest, string> _sources = new();
    private readonly ConcurrentDictionary<Digest, HeldWrite> _held = new();
    private volatile bool _down;
    private long _lastMutation;
    private int _revisionListings;

    public IRegionStore Inner => inner;

    /// <summary>Bytes written per digest (0-byte "already present" writes are not counted).</summary>
    public IReadOnlyDictionary<Digest, long> BytesWritten => _written;

    public long TotalBytesWritten => _written.Values.Sum();

    /// <summary>The region each server-side copy read its blob from, per digest.</summary>
    public IReadOnlyDictionary<Digest, string> CopiedFrom => _sources;

    /// <summary>While true, every operation fails as an unreachable store.</summary>
    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>Stopwatch timestamp of the end of the last successful write (blob, link, tag, delete); 0 before any.</summary>
    public long LastMutationTimestamp => Interlocked.Read(ref _lastMutation);

    public string Region => inner.Region;

    public string Kind => inner.Kind;

    public StoreCapacity Capacity => inner.Capacity;

    public Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.StatBlobAsync(digest, cancellationToken));

    public Task<Stream> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.OpenBlobAsync(digest, cancellationToken));

    public Task<long?> StatBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        Guard(() => inner.StatBlobAsync(repository, digest, cancellationToken));

    public Task<Stream> OpenBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        Guard(() => inner.OpenBlobAsync(repository, digest, cancellationToken));

    public bool ManifestsAreBlobs => inner.ManifestsAreBlobs;

    public async Task<long> PutManifestAsync(RepositoryName repository, Descriptor manifest, byte[] content, CancellationToken cancellationToken = default)
    {
        long written = await Guard(() => inner.PutManifestAsync(repository, manifest, content, cancellationToken));
        Count(manifest.Digest, written);
        Touch();
        return written;
    }

    /// <summary>Writes of <paramref name="digest"/> wait until the hold is released (a transfer that takes its time).</summary>
    public HeldWrite Hold(Digest digest) => _held.GetOrAdd(digest, _ => new HeldWrite());

    public async Task<long> WriteBlobAsync(Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        await WaitIfHeldAsync(digest, cancellationToken);
        long written = await Guard(() => inner.WriteBlobAsync(digest, content, expectedSize, cancellationToken));
        Count(digest, written);
        Touch();
        return written;
    }

    public async Task<long> WriteBlobAsync(RepositoryName repository, Digest digest, Stream content, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        await WaitIfHeldAsync(digest, cancellationToken);
        long written = await Guard(() => inner.WriteBlobAsync(repository, digest, content, expectedSize, cancellationToken));
        Count(digest, written);
        Touch();
        return written;
    }

    private Task WaitIfHeldAsync(Digest digest, CancellationToken cancellationToken)
    {
        if (!_held.TryGetValue(digest, out HeldWrite? hold))
        {
            return Task.CompletedTask;
        }

        hold.Reached.TrySetResult();
        return hold.Released.Task.WaitAsync(cancellationToken);
    }

    public bool CanCopyServerSide(IRegionStore source) => inner.CanCopyServerSide(source is InstrumentedRegionStore i ? i.Inner : source);

    public async Task<long> CopyBlobServerSideAsync(IRegionStore source, Digest digest, long size, CancellationToken cancellationToken = default)
    {
        IRegionStore unwrapped = source is InstrumentedRegionStore i ? i.Inner : source;
        await WaitIfHeldAsync(digest, cancellationToken);
        long written = await Guard(() => inner.CopyBlobServerSideAsync(unwrapped, digest, size, cancellationToken));
        Count(digest, written);
        _sources[digest] = source.Region;
        Touch();
        return written;
    }

    public Task LinkLayerAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Mutated(Guard(() => inner.LinkLayerAsync(repository, digest, cancellationToken)));

    public Task<bool> HasLayerLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.HasLayerLinkAsync(repository, digest, cancellationToken));

    public Task LinkManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Mutated(Guard(() => inner.LinkManifestAsync(repository, digest, cancellationToken)));

    public Task<bool> HasManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Guard(() => inner.HasManifestLinkAsync(repository, digest, cancellationToken));

    public Task<Digest?> ReadTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) => Guard(() => inner.ReadTagAsync(repository, tag, cancellationToken));

    public Task SetTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken cancellationToken = default) => Mutated(Guard(() => inner.SetTagAsync(repository, tag, digest, cancellationToken)));

    public Task DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) => Mutated(Guard(() => inner.DeleteTagAsync(repository, tag, cancellationToken)));

    public Task DeleteManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) => Mutated(Guard(() => inner.DeleteManifestLinkAsync(repository, digest, cancellationToken)));


    public IAsyncEnumerable<RepositoryName> ListRepositoriesAsync(CancellationToken cancellationToken = default) => GuardEnumerable(inner.ListRepositoriesAsync(cancellationToken));

    public IAsyncEnumerable<Tag> ListTagsAsync(RepositoryName repository, CancellationToken cancellationToken = default) => GuardEnumerable(inner.ListTagsAsync(repository, cancellationToken));

    public IAsyncEnumerable<Digest> ListManifestRevisionsAsync(RepositoryName repository, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _revisionListings);
        return GuardEnumerable(inner.ListManifestRevisionsAsync(repository, cancellationToken));
    }

    /// <summary>How many times a repository's manifest revisions were listed (referrer discovery lists them).</summary>
    public int RevisionListings => Volatile.Read(ref _revisionListings);

    private void Count(Digest digest, long written)
    {
        if (written > 0)
        {
            _written.AddOrUpdate(digest, written, (_, total) => total + written);
        }
    }

    private async Task Mutated(Task call)
    {
        await call;
        Touch();
    }

    private void Touch() => Interlocked.Exchange(ref _lastMutation, System.Diagnostics.Stopwatch.GetTimestamp());

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

/// <summary>A held blob write: <see cref="Reached"/> completes when a write of the blob starts waiting; complete <see cref="Released"/> to let it go on.</summary>
public sealed class HeldWrite
{
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
