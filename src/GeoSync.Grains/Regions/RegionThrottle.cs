using System.Collections.Concurrent;

namespace GeoSync.Grains.Regions;

/// <summary>
/// Bounds the work into each region (the topology's <c>limits.concurrency</c>): at most that many blob transfers,
/// and separately that many image syncs (plan, links, tag), at once. One region's backlog never takes the slots of
/// another, and a burst of tag moves costs a bounded number of threads and store connections, so it cannot starve
/// the intake; the moves wait, and a tag that moves again while waiting is synced once, at its latest digest.
/// The two pools are separate because a sync holds its slot while it waits for its blobs' transfers.
/// </summary>
public sealed class RegionThrottle(RegionDirectory regions)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _transfers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _syncs = new(StringComparer.Ordinal);

    /// <summary>The most operations that can hold a slot at once, over every region and both pools.</summary>
    public int TotalSlots => regions.Names.Sum(r => 2 * SlotsOf(r));

    /// <summary>Waits for a blob transfer slot into <paramref name="region"/>; dispose the result to give it back.</summary>
    public Task<IDisposable> AcquireAsync(string region, CancellationToken cancellationToken = default) =>
        AcquireAsync(_transfers, region, cancellationToken);

    /// <summary>Waits for an image sync slot in <paramref name="region"/>; dispose the result to give it back.</summary>
    public Task<IDisposable> AcquireSyncAsync(string region, CancellationToken cancellationToken = default) =>
        AcquireAsync(_syncs, region, cancellationToken);

    private async Task<IDisposable> AcquireAsync(ConcurrentDictionary<string, SemaphoreSlim> pool, string region, CancellationToken cancellationToken)
    {
        SemaphoreSlim slots = pool.GetOrAdd(region, r => new SemaphoreSlim(SlotsOf(r)));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

    private int SlotsOf(string region) => Math.Max(1, regions[region].Concurrency);

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
