using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// The event inbox in SQLite. Appends go through the <see cref="SqliteWriter"/>'s group commit, so concurrent
/// single-event requests share one transaction and one WAL flush; the caller's task completes after COMMIT.
/// An event's row is written once; while it is pending, <c>inbox_pending</c> holds its repository and sequence
/// (the schema's trigger adds them on append, <see cref="MarkAppliedAsync"/> deletes them on checkpoint).
/// This process's pending entries are also kept in a <see cref="PendingEntryCache"/>, which answers a read when no
/// event was accepted after the last one it knows of (<c>sqlite_sequence</c>, the AUTOINCREMENT counter, says so).
/// </summary>
internal sealed class SqliteEventInbox(SqliteWriter writer, SqliteReaders readers) : IEventInbox
{
    private const string Columns = "e.sequence, e.event_id, e.source_region, e.repository, e.payload, e.received_at";

    // A backlog longer than this is read from the database (a few MiB of payloads at most).
    private const int CachedEntries = 4096;
    private readonly PendingEntryCache _pending = new(CachedEntries);

    public Task<int> AppendAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken = default)
    {
        InboxEventValidation.ThrowIfInvalid(events);
        if (events.Count == 0)
        {
            return Task.FromResult(0);
        }

        return writer.WriteAsync(
            w =>
            {
                var added = new List<InboxEntry>(events.Count);
                foreach (InboxEvent e in events)
                {
                    // Only the (source_region, event_id) conflict is ignored (no row returned); any other constraint still fails.
                    SqliteCommand command = w.Command(
                        "INSERT INTO event_inbox (source_region, event_id, repository, payload, received_at) VALUES ($region, $id, $repository, $payload, $at) " +
                        "ON CONFLICT (event_id, source_region) DO NOTHING RETURNING sequence");
                    command.Parameters.AddWithValue("$region", e.SourceRegion);
                    command.Parameters.AddWithValue("$id", e.EventId);
                    command.Parameters.AddWithValue("$repository", e.Repository);
                    command.Parameters.AddWithValue("$payload", e.Payload);
                    command.Parameters.AddWithValue("$at", e.ReceivedAt.ToUnixTimeMilliseconds());
                    if (command.ExecuteScalar() is long sequence)
                    {
                        added.Add(new InboxEntry(sequence, e));
                    }
                }

                if (added.Count > 0)
                {
                    w.AfterCommit(() => _pending.Committed(added));
                }

                return added.Count;
            },
            isolated: events.Count > 1, // the events of one call commit together or not at all,
            cancellationToken);
    }

    public Task<IReadOnlyList<InboxEntry>> ReadPendingAsync(string repository, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        // The last sequence accepted, one row of SQLite's own table: far cheaper than reading the pending events.
        if (_pending.TryRead(repository, afterSequence, limit, out long coveredUpTo) is { } cached
            && readers.Scalar<long>("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'event_inbox'), 0)", _ => { }) == coveredUpTo)
        {
            return Task.FromResult(cached);
        }

        return Task.FromResult(readers.Query(
            $"SELECT {Columns}, 0 FROM inbox_pending AS p JOIN event_inbox AS e ON e.sequence = p.sequence " +
            "WHERE p.repository = $repository AND p.sequence > $after ORDER BY p.sequence LIMIT $limit",
            p =>
            {
                p.AddWithValue("$repository", repository);
                p.AddWithValue("$after", afterSequence);
                p.AddWithValue("$limit", limit);
            },
            Map));
    }

    public Task<IReadOnlyList<string>> ListRepositoriesWithPendingAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Oldest pending work first, so recovery resumes in acceptance order.
        return Task.FromResult(readers.Query(
            "SELECT repository FROM inbox_pending GROUP BY repository ORDER BY MIN(sequence)",
            _ => { },
            r => r.GetString(0)));
    }

    public Task MarkAppliedAsync(string repository, long sequence, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command("DELETE FROM inbox_pending WHERE repository = $repository AND sequence <= $sequence");
                command.Parameters.AddWithValue("$repository", repository);
                command.Parameters.AddWithValue("$sequence", sequence);
                int marked = command.ExecuteNonQuery();
                w.AfterCommit(() => _pending.Applied(repository, sequence));
                return marked;
            },
            isolated: false,
            cancellationToken);

    public Task<InboxEntry?> FindAsync(string eventId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<InboxEntry> rows = readers.Query(
            $"SELECT {Columns}, NOT EXISTS (SELECT 1 FROM inbox_pending AS p WHERE p.repository = e.repository AND p.sequence = e.sequence) " +
            "FROM event_inbox AS e WHERE e.event_id = $id ORDER BY e.sequence LIMIT 1",
            p => p.AddWithValue("$id", eventId),
            Map);
        return Task.FromResult(rows.Count == 0 ? null : rows[0]);
    }

    public Task<long> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Scalar<long>("SELECT COUNT(*) FROM inbox_pending", _ => { }));
    }

    public Task<int> DeleteAppliedAsync(DateTimeOffset acceptedBefore, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command(
                    "DELETE FROM event_inbox WHERE sequence IN (SELECT e.sequence FROM event_inbox AS e WHERE e.received_at < $before " +
                    "AND NOT EXISTS (SELECT 1 FROM inbox_pending AS p WHERE p.repository = e.repository AND p.sequence = e.sequence) " +
                    "ORDER BY e.received_at LIMIT $limit)");
                command.Parameters.AddWithValue("$before", acceptedBefore.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$limit", limit);
                return command.ExecuteNonQuery();
            },
            isolated: false,
            cancellationToken);
    }

    private static InboxEntry Map(SqliteDataReader r) => new(
        r.GetInt64(0),
        new InboxEvent(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5))),
        r.GetInt64(6) != 0);
}
