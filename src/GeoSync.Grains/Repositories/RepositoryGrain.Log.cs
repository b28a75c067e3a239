using GeoSync.Domain.Replication;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

public sealed partial class RepositoryGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}:{Tag}` is {State} in `{Region}` ({LagMilliseconds:0} ms after the push)")]
    private partial void LogRegionCompleted(string repository, string tag, string region, ReplicationState state, double lagMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}:{Tag}` failed in `{Region}` (attempt {Attempts}): {Reason}")]
    private partial void LogRegionFailed(string repository, string tag, string region, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {Sequence} of `{Repository}` names region `{Region}`, which the topology no longer has; skipped")]
    private partial void LogUnknownRegion(string repository, string region, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Sequence} of `{Repository}` cannot be read: {Reason}")]
    private partial void LogUnreadableEvent(string repository, long sequence, string reason);
}
