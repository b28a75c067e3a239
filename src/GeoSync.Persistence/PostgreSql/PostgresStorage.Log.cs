using Microsoft.Extensions.Logging;

namespace GeoSync.Persistence.PostgreSql;

internal sealed partial class PostgresStorage
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "persistence: PostgreSQL database `{Location}` open")]
    private static partial void LogOpened(ILogger logger, string location);
}
