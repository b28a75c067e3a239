using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>Grain reminders in PostgreSQL, one row per (grain type, grain key, name).</summary>
internal sealed class PostgresReminderTable(NpgsqlDataSource dataSource) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, name, due_at";

    public async Task UpsertAsync(GrainReminder reminder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"INSERT INTO grain_reminder ({Columns}) VALUES (@type, @key, @name, @due) " +
            "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at");
        Bind(command, reminder.GrainType, reminder.GrainKey, reminder.Name);
        command.Parameters.AddWithValue("due", reminder.DueAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "DELETE FROM grain_reminder WHERE grain_type = @type AND grain_key = @key AND name = @name");
        Bind(command, grainType, grainKey, name);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GrainReminder>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM grain_reminder WHERE due_at <= @now " +
            "ORDER BY due_at, grain_type COLLATE \"C\", grain_key COLLATE \"C\", name COLLATE \"C\" LIMIT @limit");
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        command.Parameters.AddWithValue("limit", limit);
        return await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GrainReminder>> ListAsync(string grainType, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM grain_reminder WHERE grain_type = @type ORDER BY grain_key COLLATE \"C\", name COLLATE \"C\"");
        command.Parameters.AddWithValue("type", grainType);
        return await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlCommand command, string grainType, string grainKey, string name)
    {
        command.Parameters.AddWithValue("type", grainType);
        command.Parameters.AddWithValue("key", grainKey);
        command.Parameters.AddWithValue("name", name);
    }

    private static GrainReminder Map(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3));
}
