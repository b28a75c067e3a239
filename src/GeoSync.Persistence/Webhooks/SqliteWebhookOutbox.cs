using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Webhooks;

/// <summary>
/// The webhook outbox in SQLite, for a single GeoSync process. Times are INTEGER milliseconds since the Unix epoch,
/// like the rest of the SQLite schema. A claim is one <c>UPDATE ... RETURNING</c>, atomic under SQLite's single writer.
/// </summary>
internal sealed class SqliteWebhookOutbox(string connectionString, TimeSpan? busyTimeout = null) : AdoNetWebhookOutbox
{
    private readonly int _busyTimeoutMs = (int)(busyTimeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;

    protected override string ClaimSql =>
        "UPDATE webhook_outbox SET attempts = attempts + 1, claimed_until = @lease, updated_at = @now " +
        "WHERE delivery_id IN (SELECT delivery_id FROM webhook_outbox " +
        "WHERE region = @region AND endpoint = @endpoint AND state = 'Pending' AND next_attempt_at <= @now AND expires_at > @now " +
        "AND (claimed_until IS NULL OR claimed_until <= @now) ORDER BY next_attempt_at, created_at LIMIT @limit) " +
        "RETURNING " + Columns;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using DbCommand pragma = Command(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMs}");
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override object ToDb(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
