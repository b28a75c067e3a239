using System.Collections.Concurrent;

namespace GeoSync.Grains.Regions;

/// <summary>
/// Bounds concurrent blob transfers per target region (the topology's <c>limits.concurrency</c>), so one region's
/// backlog never takes the transfer slots of another.
/// </summary>
public sealed class RegionThrottle(RegionDirectory regions)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slots = new(StringComparer.Ordinal);

    /// <summary>Waits for a transfer slot into <paramref name="region"/>; dispose the result to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(string region, CancellationToken cancellationToken = default)
    {
        SemaphoreSlim slots = _slots.GetOrAdd(region, r => new SemaphoreSlim(Math.Max(1, regions[r].Concurrency)));
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Slot(slots);
    }

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
