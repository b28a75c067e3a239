using System.Collections.Concurrent;
using GeoSync.Storage;

namespace GeoSync.Grains.Regions;

/// <summary>
/// Bounds the work into each region. Blob transfers: the topology's <c>limits.concurrency</c> at once. Image syncs'
/// metadata phases (plan, links, tag): no more than that per region, and no more than the store's
/// <see cref="IRegionStore.Capacity"/> over every region whose store shares it — local filesystem stores share this
/// machine's cores, and more syncs than cores only take CPU from the intake. A sync gives its slots back while its
/// blobs transfer, so a large image never holds up other syncs. One region's backlog never takes the slots of
/// another region's own limit, and a burst of tag moves costs a bounded number of threads and store connections,
/// so it cannot starve the intake; the moves wait, and a tag that moves again while waiting is synced once, at its
/// latest digest.
/// </summary>
public sealed class RegionThrottle(RegionDirectory regions)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _transfers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _syncs = new(StringComparer.Ordinal);

    // Keyed by the capacity instance (StoreCapacity has reference equality): stores that share it share its slots.
    private readonly ConcurrentDictionary<StoreCapacity, SemaphoreSlim> _capacities = new();

    /// <summary>The most operations that can hold a slot at once: every region's transfers, and the syncs every capacity allows.</summary>
    public int TotalSlots =>
        regions.Names.Sum(TransferSlotsOf)
        + regions.Names.GroupBy(r => regions[r].Store.Capacity).Sum(g => Math.Min(g.Key.Slots, g.Sum(SyncSlotsOf)));

    /// <summary>Waits for a blob transfer slot into <paramref name="region"/>; dispose the result to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(string region, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim slots = _transfers.GetOrAdd(region, r => new SemaphoreSlim(TransferSlotsOf(r)));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

    /// <summary>Waits for an image sync slot in <paramref name="region"/> and in its store's capacity; dispose the result to give both back.</summary>
    public async Task<IDisposable> AcquireSyncAsync(string region, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim own = _syncs.GetOrAdd(region, r => new SemaphoreSlim(SyncSlotsOf(r)));
        SemaphoreSlim shared = _capacities.GetOrAdd(regions[region].Store.Capacity, c => new SemaphoreSlim(c.Slots));
        await own.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            own.Release();
            throw;
        }

        return new Slot(shared, own);
    }

    private int TransferSlotsOf(string region) => Math.Max(1, regions[region].Concurrency);

    private int SyncSlotsOf(string region) => Math.Min(regions[region].Store.Capacity.Slots, TransferSlotsOf(region));

    private sealed class Slot(params SemaphoreSlim[] held) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                foreach (SemaphoreSlim slots in held)
                {
                    slots.Release();
                }
            }
        }
    }
}
