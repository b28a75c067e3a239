using GeoSync.Domain.Replication;

namespace GeoSync.Grains.Replication;

/// <summary>Tells several observers, in order; the first failure stops the rest (so the grain retries the notice).</summary>
public sealed class CompositeReplicationObserver(IReadOnlyList<IReplicationObserver> observers) : IReplicationObserver
{
    /// <inheritdoc />
    public async Task RegionCompletedAsync(RegionImageNotice notice, CancellationToken cancellationToken = default)
    {
        foreach (IReplicationObserver observer in observers)
        {
            await observer.RegionCompletedAsync(notice, cancellationToken).ConfigureAwait(false);
        }
    }
}
