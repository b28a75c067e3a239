using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence.GroupCommit;

internal abstract partial class GroupCommitLoop<TItem>
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "group commit `{Writer}`: a batch of {Count} writes failed and was rolled back")]
    private partial void LogBatchFailed(string writer, int count, Exception exception);
}
