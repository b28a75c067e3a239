using GeoSync.Domain.Content;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.Azure;

public sealed partial class AzureBlobRegionStore
{
    [LoggerMessage(1, LogLevel.Information, "Region `{Region}`: wrote blob `{Digest}` ({Size} bytes; {BytesUploaded} uploaded, {BlocksReused} blocks reused from an interrupted attempt)")]
    private partial void LogBlobWritten(string region, Digest digest, long size, long bytesUploaded, int blocksReused);

    [LoggerMessage(2, LogLevel.Warning, "Region `{Region}`: rejected blob `{Digest}`: {Reason}")]
    private partial void LogBlobRejected(string region, Digest digest, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Region `{Region}`: blob `{Digest}` was committed by a concurrent writer first")]
    private partial void LogConcurrentWriterWon(string region, Digest digest);

    [LoggerMessage(4, LogLevel.Information, "Region `{Region}`: copied blob `{Digest}` server-side from region `{SourceRegion}` ({Size} bytes, {Method}, {ElapsedMs} ms)")]
    private partial void LogBlobCopied(string region, Digest digest, string sourceRegion, long size, string method, long elapsedMs);
}
