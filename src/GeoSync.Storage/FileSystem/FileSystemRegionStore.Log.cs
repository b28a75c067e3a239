using GeoSync.Domain.Content;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Region `{Region}`: wrote blob `{Digest}` ({Size} bytes)")]
    private partial void LogBlobWritten(string region, Digest digest, long size);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Region `{Region}`: blob `{Digest}` was stored by a concurrent writer; discarded our identical copy")]
    private partial void LogConcurrentWriterWon(string region, Digest digest);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Region `{Region}`: rejected blob `{Digest}`: {Reason}")]
    private partial void LogBlobRejected(string region, Digest digest, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Region `{Region}`: copied blob `{Digest}` server-side from region `{SourceRegion}` ({Size} bytes)")]
    private partial void LogBlobCopied(string region, Digest digest, string sourceRegion, long size);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Region `{Region}`: tag `{Repository}:{Tag}` now points at `{Digest}`")]
    private partial void LogTagSet(string region, string repository, string tag, Digest digest);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Region `{Region}`: skipped `{Path}` while listing: {Reason}")]
    private partial void LogListingSkipped(string region, string path, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Region `{Region}`: deleted {Count} abandoned temporary entries under `{Path}`")]
    private partial void LogAbandonedUploadsDeleted(string region, int count, string path);
}
