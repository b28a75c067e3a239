using GeoSync.Domain.Replication;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

public sealed partial class RepositoryGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}:{Tag}` is {State} in `{Region}` ({LagMilliseconds:0} ms after the push)")]
    private partial void LogRegionCompleted(string repository, string tag, string region, ReplicationState state, double lagMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}:{Tag}` failed in `{Region}` (attempt {Attempts}): {Reason}")]
    private partial void LogRegionFailed(string repository, string tag, string region, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "`{Repository}:{Tag}` is abandoned in `{Region}`: {Reason}")]
    private partial void LogRegionAbandoned(string repository, string tag, string region, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "`{Repository}`: an operator retried or dropped {Count} abandoned regions")]
    private partial void LogAbandonedChanged(string repository, int count);
}
