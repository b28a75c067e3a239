using System.Data.Common;
using Npgsql;

namespace GeoSync.Persistence.Webhooks;

/// <summary>
/// The webhook outbox in PostgreSQL, shared by every node of a cluster. Nodes claim due rows with
/// <c>FOR UPDATE SKIP LOCKED</c>, so two nodes never claim the same row and none waits for another's claim; the
/// claim is a lease (<c>claimed_until</c>), so a row whose node died is claimed again once the lease has run out.
/// </summary>
internal sealed class PostgresWebhookOutbox(NpgsqlDataSource dataSource) : AdoNetWebhookOutbox
{
    protected override string ClaimSql =>
        "WITH due AS (SELECT delivery_id FROM webhook_outbox " +
        "WHERE region = @region AND endpoint = @endpoint AND state = 'Pending' AND next_attempt_at <= @now AND expires_at > @now " +
        "AND (claimed_until IS NULL OR claimed_until <= @now) ORDER BY next_attempt_at, created_at LIMIT @limit " +
        "FOR UPDATE SKIP LOCKED) " +
        "UPDATE webhook_outbox o SET attempts = o.attempts + 1, claimed_until = @lease, updated_at = @now " +
        "FROM due WHERE o.delivery_id = due.delivery_id RETURNING " + PrefixedColumns;

    private static string PrefixedColumns => string.Join(", ", Columns.Split(", ").Select(c => "o." + c));

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override object ToDb(DateTimeOffset time) => time.ToUniversalTime();

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
