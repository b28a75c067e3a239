using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence.GroupCommit;

internal abstract partial class GroupCommitLoop<TItem>
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "group commit `{Writer}`: a batch of {Count} writes failed and was rolled back")]
    private partial void LogBatchFailed(string writer, int count, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "group commit `{Writer}`: the commit thread runs at normal priority, so commits wait longer for a core when the machine is busy: {Reason}")]
    private partial void LogNormalPriority(string writer, string reason);
}
