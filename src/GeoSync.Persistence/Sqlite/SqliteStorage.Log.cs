using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence.Sqlite;

internal sealed partial class SqliteStorage
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "persistence: SQLite database `{Path}` open (WAL, synchronous=FULL)")]
    private static partial void LogOpened(ILogger logger, string path);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "persistence: SQLite database `{Path}` refused WAL mode (journal mode is `{Mode}`); readers will wait for the writer")]
    private static partial void LogNoWal(ILogger logger, string path, string mode);
}
