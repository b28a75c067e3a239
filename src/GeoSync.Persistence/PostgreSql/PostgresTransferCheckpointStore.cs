using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>Transfer checkpoints in PostgreSQL, one row per (region, digest).</summary>
internal sealed class PostgresTransferCheckpointStore(NpgsqlDataSource dataSource) : ITransferCheckpointStore
{
    private const string Columns = "region, digest, source_region, size, bytes_done, state, attempts, last_error, updated_at";

    public async Task UpsertAsync(TransferCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"INSERT INTO transfer_checkpoint ({Columns}) VALUES (@region, @digest, @source, @size, @done, @state, @attempts, @error, @at) " +
            "ON CONFLICT (region, digest) DO UPDATE SET source_region = excluded.source_region, size = excluded.size, " +
            "bytes_done = excluded.bytes_done, state = excluded.state, attempts = excluded.attempts, " +
            "last_error = excluded.last_error, updated_at = excluded.updated_at");
        NpgsqlParameterCollection p = command.Parameters;
        p.AddWithValue("region", checkpoint.Region);
        p.AddWithValue("digest", checkpoint.Digest);
        p.AddWithValue("source", checkpoint.SourceRegion);
        p.AddWithValue("size", checkpoint.Size);
        p.AddWithValue("done", checkpoint.BytesDone);
        p.AddWithValue("state", checkpoint.State);
        p.AddWithValue("attempts", checkpoint.Attempts);
        p.Add(new NpgsqlParameter<string?>("error", checkpoint.LastError) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        p.AddWithValue("at", checkpoint.UpdatedAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<TransferCheckpoint?> GetAsync(string region, string digest, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM transfer_checkpoint WHERE region = @region AND digest = @digest");
        command.Parameters.AddWithValue("region", region);
        command.Parameters.AddWithValue("digest", digest);
        IReadOnlyList<TransferCheckpoint> rows = await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<TransferCheckpoint>> ListAsync(string? region = null, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(region is null
            ? $"SELECT {Columns} FROM transfer_checkpoint ORDER BY region COLLATE \"C\", digest COLLATE \"C\""
            : $"SELECT {Columns} FROM transfer_checkpoint WHERE region = @region ORDER BY digest COLLATE \"C\"");
        if (region is not null)
        {
            command.Parameters.AddWithValue("region", region);
        }

        return await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string region, string digest, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand("DELETE FROM transfer_checkpoint WHERE region = @region AND digest = @digest");
        command.Parameters.AddWithValue("region", region);
        command.Parameters.AddWithValue("digest", digest);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static TransferCheckpoint Map(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetString(2),
        r.GetInt64(3),
        r.GetInt64(4),
        r.GetString(5),
        r.GetInt32(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.GetFieldValue<DateTimeOffset>(8));
}
