using GeoSync.Grains.Regions;

namespace GeoSync.Grains.Replication;

/// <summary>A region's sync slot as one sync holds it: given back while the sync's blobs transfer (they have slots of their own).</summary>
internal sealed class SyncSlot(RegionThrottle throttle, string region) : IDisposable
{
    private IDisposable? _held;

    public async Task AcquireAsync(CancellationToken cancellationToken) =>
        _held = await throttle.AcquireSyncAsync(region, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs <paramref name="work"/> without the slot, then waits for it again.</summary>
    public async Task<T> ReleasedWhileAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        Dispose();
        T result = await work().ConfigureAwait(false);
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }
}
