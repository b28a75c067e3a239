using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>Grain state in SQLite; ETag checked in the same statement that writes (see <see cref="IGrainStateStore"/>).</summary>
internal sealed class SqliteGrainStateStore(SqliteWriter writer, SqliteReaders readers, TimeProvider time) : IGrainStateStore
{
    public Task<StoredGrainState?> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<StoredGrainState> rows = readers.Query(
            "SELECT payload, etag FROM grain_state WHERE grain_type = $type AND grain_key = $key",
            p => Bind(p, grainType, grainKey),
            r => new StoredGrainState(r.GetString(0), r.GetString(1)));
        return Task.FromResult(rows.Count == 0 ? null : rows[0]);
    }

    public Task<string> WriteAsync(string grainType, string grainKey, string payload, string? expectedETag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string etag = GrainETag.New();
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command(expectedETag is null
                    ? "INSERT INTO grain_state (grain_type, grain_key, payload, etag, updated_at) VALUES ($type, $key, $payload, $etag, $now) ON CONFLICT DO NOTHING"
                    : "UPDATE grain_state SET payload = $payload, etag = $etag, updated_at = $now WHERE grain_type = $type AND grain_key = $key AND etag = $expected");
                Bind(command.Parameters, grainType, grainKey);
                command.Parameters.AddWithValue("$payload", payload);
                command.Parameters.AddWithValue("$etag", etag);
                command.Parameters.AddWithValue("$now", now);
                if (expectedETag is not null)
                {
                    command.Parameters.AddWithValue("$expected", expectedETag);
                }

                if (command.ExecuteNonQuery() == 0)
                {
                    throw new InconsistentStateException(grainType, grainKey, expectedETag, StoredETag(w, grainType, grainKey));
                }

                return etag;
            },
            isolated: false,
            cancellationToken);
    }

    public Task ClearAsync(string grainType, string grainKey, string? expectedETag, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command("DELETE FROM grain_state WHERE grain_type = $type AND grain_key = $key AND etag IS $expected");
                Bind(command.Parameters, grainType, grainKey);
                command.Parameters.AddWithValue("$expected", (object?)expectedETag ?? DBNull.Value);
                if (command.ExecuteNonQuery() == 0)
                {
                    string? stored = StoredETag(w, grainType, grainKey);
                    if (stored is not null || expectedETag is not null)
                    {
                        throw new InconsistentStateException(grainType, grainKey, expectedETag, stored);
                    }
                }

                return true;
            },
            isolated: false,
            cancellationToken);

    private static string? StoredETag(SqliteWriteContext w, string grainType, string grainKey)
    {
        SqliteCommand command = w.Command("SELECT etag FROM grain_state WHERE grain_type = $type AND grain_key = $key");
        Bind(command.Parameters, grainType, grainKey);
        return command.ExecuteScalar() as string;
    }

    private static void Bind(SqliteParameterCollection parameters, string grainType, string grainKey)
    {
        parameters.AddWithValue("$type", grainType);
        parameters.AddWithValue("$key", grainKey);
    }
}
