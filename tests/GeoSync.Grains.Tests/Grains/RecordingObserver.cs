using System.Collections.Concurrent;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>Records the completion notices a repository grain hands to its observer (the deploy-webhook outbox in production).</summary>
public sealed class RecordingObserver : IReplicationObserver
{
    private readonly ConcurrentQueue<RegionImageNotice> _notices = new();

    public IReadOnlyCollection<RegionImageNotice> Notices => _notices;

    public Task RegionCompletedAsync(RegionImageNotice notice, CancellationToken cancellationToken = default)
    {
        _notices.Enqueue(notice);
        return Task.CompletedTask;
    }
}
