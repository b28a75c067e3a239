using GeoSync.Grains.Replication;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Engine;

/// <summary>Logs each region completion; used when no deploy-webhook outbox is configured.</summary>
public sealed partial class LoggingReplicationObserver(ILogger<LoggingReplicationObserver> logger) : IReplicationObserver
{
    /// <inheritdoc />
    public Task RegionCompletedAsync(RegionImageNotice notice, CancellationToken cancellationToken = default)
    {
        LogCompleted(notice.Repository, notice.Tag, notice.Region, notice.Deleted ? "deleted" : "synced", notice.Digest?.ToString() ?? "-");
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "`{Repository}:{Tag}` {Outcome} in `{Region}` at {Digest}")]
    private partial void LogCompleted(string repository, string tag, string region, string outcome, string digest);
}
