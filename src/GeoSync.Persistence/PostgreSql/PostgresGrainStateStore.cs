using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>Grain state in PostgreSQL; ETag checked in the same statement that writes (see <see cref="IGrainStateStore"/>).</summary>
internal sealed class PostgresGrainStateStore(NpgsqlDataSource dataSource, TimeProvider time) : IGrainStateStore
{
    public async Task<StoredGrainState?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT payload, etag FROM grain_state WHERE grain_type = @type AND grain_key = @key");
        Bind(command, grainType, grainKey);
        IReadOnlyList<StoredGrainState> rows = await PostgresQuery.ListAsync(command, r => new StoredGrainState(r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<string> WriteAsync(string grainType, string grainKey, string payload, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string etag = GrainETag.New();

        // ON CONFLICT DO NOTHING: a concurrent first write makes this one affect no row instead of raising.
        await using NpgsqlCommand command = dataSource.CreateCommand(expectedETag is null
            ? "INSERT INTO grain_state (grain_type, grain_key, payload, etag, updated_at) VALUES (@type, @key, @payload, @etag, @now) ON CONFLICT DO NOTHING"
            : "UPDATE grain_state SET payload = @payload, etag = @etag, updated_at = @now WHERE grain_type = @type AND grain_key = @key AND etag = @expected");
        Bind(command, grainType, grainKey);
        command.Parameters.AddWithValue("payload", payload);
        command.Parameters.AddWithValue("etag", etag);
        command.Parameters.AddWithValue("now", time.GetUtcNow().ToUniversalTime());
        if (expectedETag is not null)
        {
            command.Parameters.AddWithValue("expected", expectedETag);
        }

        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new InconsistentStateException(grainType, grainKey, expectedETag, await StoredETagAsync(grainType, grainKey, cancellationToken).ConfigureAwait(false));
        }

        return etag;
    }

    public async Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken = default)
    {
        if (expectedETag is not null)
        {
            await using NpgsqlCommand command = dataSource.CreateCommand(
                "DELETE FROM grain_state WHERE grain_type = @type AND grain_key = @key AND etag = @expected");
            Bind(command, grainType, grainKey);
            command.Parameters.AddWithValue("expected", expectedETag);
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return;
            }
        }

        string? stored = await StoredETagAsync(grainType, grainKey, cancellationToken).ConfigureAwait(false);
        if (stored is not null || expectedETag is not null)
        {
            throw new InconsistentStateException(grainType, grainKey, expectedETag, stored);
        }
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string grainType, CancellationToken cancellationToken = default)
    {
        // COLLATE "C": ordinal order, the same as SQLite's, whatever the database's collation.
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT grain_key FROM grain_state WHERE grain_type = @type ORDER BY grain_key COLLATE \"C\"");
        command.Parameters.AddWithValue("type", grainType);
        return await PostgresQuery.ListAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> StoredETagAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT etag FROM grain_state WHERE grain_type = @type AND grain_key = @key");
        Bind(command, grainType, grainKey);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static void Bind(NpgsqlCommand command, string grainType, string grainKey)
    {
        command.Parameters.AddWithValue("type", grainType);
        command.Parameters.AddWithValue("key", grainKey);
    }
}
