using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>Transfer checkpoints in SQLite, one row per (region, digest).</summary>
internal sealed class SqliteTransferCheckpointStore(SqliteWriter writer, SqliteReaders readers) : ITransferCheckpointStore
{
    private const string Columns = "region, digest, source_region, size, bytes_done, state, attempts, last_error, updated_at";

    public Task UpsertAsync(TransferCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command(
                    $"INSERT INTO transfer_checkpoint ({Columns}) VALUES ($region, $digest, $source, $size, $done, $state, $attempts, $error, $at) " +
                    "ON CONFLICT (region, digest) DO UPDATE SET source_region = excluded.source_region, size = excluded.size, " +
                    "bytes_done = excluded.bytes_done, state = excluded.state, attempts = excluded.attempts, " +
                    "last_error = excluded.last_error, updated_at = excluded.updated_at");
                SqliteParameterCollection p = command.Parameters;
                p.AddWithValue("$region", checkpoint.Region);
                p.AddWithValue("$digest", checkpoint.Digest);
                p.AddWithValue("$source", checkpoint.SourceRegion);
                p.AddWithValue("$size", checkpoint.Size);
                p.AddWithValue("$done", checkpoint.BytesDone);
                p.AddWithValue("$state", checkpoint.State);
                p.AddWithValue("$attempts", checkpoint.Attempts);
                p.AddWithValue("$error", (object?)checkpoint.LastError ?? DBNull.Value);
                p.AddWithValue("$at", checkpoint.UpdatedAt.ToUnixTimeMilliseconds());
                return command.ExecuteNonQuery();
            },
            isolated: false,
            cancellationToken);
    }

    public Task<TransferCheckpoint?> GetAsync(string region, string digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<TransferCheckpoint> rows = readers.Query(
            $"SELECT {Columns} FROM transfer_checkpoint WHERE region = $region AND digest = $digest",
            p =>
            {
                p.AddWithValue("$region", region);
                p.AddWithValue("$digest", digest);
            },
            Map);
        return Task.FromResult(rows.Count == 0 ? null : rows[0]);
    }

    public Task<IReadOnlyList<TransferCheckpoint>> ListAsync(string? region = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            $"SELECT {Columns} FROM transfer_checkpoint WHERE $region IS NULL OR region = $region ORDER BY region, digest",
            p => p.AddWithValue("$region", (object?)region ?? DBNull.Value),
            Map));
    }

    public Task DeleteAsync(string region, string digest, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command("DELETE FROM transfer_checkpoint WHERE region = $region AND digest = $digest");
                command.Parameters.AddWithValue("$region", region);
                command.Parameters.AddWithValue("$digest", digest);
                return command.ExecuteNonQuery();
            },
            isolated: false,
            cancellationToken);

    private static TransferCheckpoint Map(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetInt64(3),
        r.GetInt64(4),
        r.GetString(5),
        r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)));
}
