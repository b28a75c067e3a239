using System.Collections.Concurrent;
using GeoSync.Storage;

namespace GeoSync.Grains.Regions;

/// <summary>
/// Bounds the work into each region. Blob transfers: the topology's <c>limits.concurrency</c> at once. Image syncs'
/// metadata phases (plan, links, tag): no more than that, and no more than the store's <see cref="IRegionStore.Parallelism"/>
/// — on a local filesystem, more syncs than cores only take CPU from the intake. A sync gives its slot back while
/// its blobs transfer, so a large image never holds up the region's other syncs. One region's backlog never takes
/// the slots of another, and a burst of tag moves costs a bounded number of threads and store connections, so it
/// cannot starve the intake; the moves wait, and a tag that moves again while waiting is synced once, at its latest
/// digest.
/// </summary>
public sealed class RegionThrottle(RegionDirectory regions)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _transfers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _syncs = new(StringComparer.Ordinal);

    /// <summary>The most operations that can hold a slot at once, over every region and both pools.</summary>
    public int TotalSlots => regions.Names.Sum(r => TransferSlotsOf(r) + SyncSlotsOf(r));

    /// <summary>Waits for a blob transfer slot into <paramref name="region"/>; dispose the result to give it back.</summary>
    public Task<IDisposable> AcquireAsync(string region, CancellationToken cancellationToken = default) =>
        AcquireAsync(_transfers, region, TransferSlotsOf, cancellationToken);

    /// <summary>Waits for an image sync slot in <paramref name="region"/>; dispose the result to give it back.</summary>
    public Task<IDisposable> AcquireSyncAsync(string region, CancellationToken cancellationToken = default) =>
        AcquireAsync(_syncs, region, SyncSlotsOf, cancellationToken);

    private static async Task<IDisposable> AcquireAsync(ConcurrentDictionary<string, SemaphoreSlim> pool, string region, Func<string, int> slotsOf, CancellationToken cancellationToken)
    {
        SemaphoreSlim slots = pool.GetOrAdd(region, r => new SemaphoreSlim(slotsOf(r)));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

    private int TransferSlotsOf(string region) => Math.Max(1, regions[region].Concurrency);

    private int SyncSlotsOf(string region) => Math.Clamp(regions[region].Store.Parallelism, 1, TransferSlotsOf(region));

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
