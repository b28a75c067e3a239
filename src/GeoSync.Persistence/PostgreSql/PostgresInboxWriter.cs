using GeoSync.Persistence.GroupCommit;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>
/// Group commit of inbox appends on PostgreSQL: all waiting appends go in one transaction made of two statements
/// sent in one round trip — a transaction-scoped advisory lock, then one <c>INSERT ... SELECT FROM unnest(...)
/// ON CONFLICT DO NOTHING RETURNING</c> — and one COMMIT (one WAL flush).
/// </summary>
/// <remarks>
/// The advisory lock serialises inbox batches of every node: identity values are drawn at INSERT time, so without
/// it two writers could commit sequence 11 before 10 and a reader already past 11 would never see 10. Holding the
/// lock from INSERT to COMMIT makes sequence order equal commit order across the cluster.
/// </remarks>
internal sealed class PostgresInboxWriter(NpgsqlDataSource dataSource, int maxBatchSize, ILogger logger)
    : GroupCommitLoop<PostgresAppend>("postgres-inbox", "postgresql", maxBatchSize, logger)
{
    // WITH ORDINALITY + ORDER BY: rows are inserted, and so numbered, in the order the appends were queued.
    private const string InsertSql =
        "INSERT INTO event_inbox (source_region, event_id, repository, payload, received_at) " +
        "SELECT u.source_region, u.event_id, u.repository, u.payload, u.received_at " +
        "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) WITH ORDINALITY " +
        "AS u(source_region, event_id, repository, payload, received_at, n) ORDER BY u.n " +
        "ON CONFLICT (event_id, source_region) DO NOTHING RETURNING source_region, event_id";

    public Task<int> AppendAsync(IReadOnlyList<InboxEvent> events, CancellationToken cancellationToken)
    {
        var append = new PostgresAppend(events, cancellationToken);
        Enqueue(append);
        return append.Task;
    }

    protected override async Task CommitAsync(IReadOnlyList<PostgresAppend> batch)
    {
        int count = batch.Sum(a => a.Events.Count);
        var regions = new string[count];
        var ids = new string[count];
        var repositories = new string[count];
        var payloads = new string[count];
        var receivedAt = new DateTime[count];

        // The first append of the batch that carries a (region, id) gets the credit when it is new.
        var owners = new Dictionary<(string Region, string Id), PostgresAppend>(count);
        int i = 0;
        foreach (PostgresAppend append in batch)
        {
            append.Added = 0;
            foreach (InboxEvent e in append.Events)
            {
                regions[i] = e.SourceRegion;
                ids[i] = e.EventId;
                repositories[i] = e.Repository;
                payloads[i] = e.Payload;
                receivedAt[i] = e.ReceivedAt.UtcDateTime;
                owners.TryAdd((e.SourceRegion, e.EventId), append);
                i++;
            }
        }

        // No cancellation token: once taken, a batch is committed or fails as a whole; callers were told so.
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using (var sqlBatch = new NpgsqlBatch(connection, transaction))
        {
            var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresStorage.InboxLockKey });
            var insertCommand = new NpgsqlBatchCommand(InsertSql);
            insertCommand.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = regions });
            insertCommand.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            insertCommand.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = repositories });
            insertCommand.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = payloads });
            insertCommand.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = receivedAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            sqlBatch.BatchCommands.Add(lockCommand);
            sqlBatch.BatchCommands.Add(insertCommand);

            await using NpgsqlDataReader reader = await sqlBatch.ExecuteReaderAsync().ConfigureAwait(false);
            await reader.NextResultAsync().ConfigureAwait(false); // past the lock's result
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                owners[(reader.GetString(0), reader.GetString(1))].Added++;
            }
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        foreach (PostgresAppend append in batch)
        {
            append.Complete();
        }
    }
}
