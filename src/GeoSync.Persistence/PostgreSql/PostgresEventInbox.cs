using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>
/// The event inbox in PostgreSQL: appends through the <see cref="PostgresInboxWriter"/>'s group commit. An event's
/// row is written once; while it is pending, <c>inbox_pending</c> holds its repository and sequence (the schema's
/// trigger adds them on append, <see cref="MarkAppliedAsync"/> deletes them on checkpoint).
/// </summary>
internal sealed class PostgresEventInbox(NpgsqlDataSource dataSource, PostgresInboxWriter writer) : IEventInbox
{
    private const string Columns = "e.sequence, e.event_id, e.source_region, e.repository, e.payload, e.received_at";

    public Task<int> AppendAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken = default)
    {
        InboxEventValidation.ThrowIfInvalid(events);
        return events.Count == 0 ? Task.FromResult(0) : writer.AppendAsync(events, cancellationToken);
    }

    public async Task<IReadOnlyList<InboxEntry>> ReadPendingAsync(string repository, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"SELECT {Columns}, false FROM inbox_pending AS p JOIN event_inbox AS e ON e.sequence = p.sequence " +
            "WHERE p.repository = @repository AND p.sequence > @after ORDER BY p.sequence LIMIT @limit");
        command.Parameters.AddWithValue("repository", repository);
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("limit", limit);
        return await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListRepositoriesWithPendingAsync(CancellationToken cancellationToken = default)
    {
        // Oldest pending work first, so recovery resumes in acceptance order.
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT repository FROM inbox_pending GROUP BY repository ORDER BY MIN(sequence)");
        return await PostgresQuery.ListAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task MarkAppliedAsync(string repository, long sequence, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "DELETE FROM inbox_pending WHERE repository = @repository AND sequence <= @sequence");
        command.Parameters.AddWithValue("repository", repository);
        command.Parameters.AddWithValue("sequence", sequence);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<InboxEntry?> FindAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"SELECT {Columns}, NOT EXISTS (SELECT 1 FROM inbox_pending AS p WHERE p.repository = e.repository AND p.sequence = e.sequence) " +
            "FROM event_inbox AS e WHERE e.event_id = @id ORDER BY e.sequence LIMIT 1");
        command.Parameters.AddWithValue("id", eventId);
        IReadOnlyList<InboxEntry> rows = await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT COUNT(*) FROM inbox_pending");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<int> DeleteAppliedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "DELETE FROM event_inbox WHERE sequence IN (SELECT e.sequence FROM event_inbox AS e WHERE e.received_at < @before " +
            "AND NOT EXISTS (SELECT 1 FROM inbox_pending AS p WHERE p.repository = e.repository AND p.sequence = e.sequence) " +
            "ORDER BY e.received_at LIMIT @limit)");
        command.Parameters.AddWithValue("before", acceptedBefore);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static InboxEntry Map(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        new InboxEvent(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5)),
        r.GetBoolean(6));
}
