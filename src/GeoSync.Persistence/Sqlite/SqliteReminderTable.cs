using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>Grain reminders in SQLite, one row per (grain type, grain key, name).</summary>
internal sealed class SqliteReminderTable(SqliteWriter writer, SqliteReaders readers) : IReminderTable
{
    private const string Columns = "grain_type, grain_key, name, due_at";

    public Task UpsertAsync(GrainReminder reminder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        return writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command(
                    $"INSERT INTO grain_reminder ({Columns}) VALUES ($type, $key, $name, $due) " +
                    "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at");
                Bind(command.Parameters, reminder.GrainType, reminder.GrainKey, reminder.Name);
                command.Parameters.AddWithValue("$due", reminder.DueAt.ToUnixTimeMilliseconds());
                return command.ExecuteNonQuery();
            },
            isolated: false,
            cancellationToken);
    }

    public Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken = default) =>
        writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command("DELETE FROM grain_reminder WHERE grain_type = $type AND grain_key = $key AND name = $name");
                Bind(command.Parameters, grainType, grainKey, name);
                return command.ExecuteNonQuery();
            },
            isolated: false,
            cancellationToken);

    public Task<IReadOnlyList<GrainReminder>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            $"SELECT {Columns} FROM grain_reminder WHERE due_at <= $now ORDER BY due_at, grain_type, grain_key, name LIMIT $limit",
            p =>
            {
                p.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                p.AddWithValue("$limit", limit);
            },
            Map));
    }

    public Task<IReadOnlyList<GrainReminder>> ListAsync(string grainType, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            $"SELECT {Columns} FROM grain_reminder WHERE grain_type = $type ORDER BY grain_key, name",
            p => p.AddWithValue("$type", grainType),
            Map));
    }

    private static void Bind(SqliteParameterCollection parameters, string grainType, string grainKey, string name)
    {
        parameters.AddWithValue("$type", grainType);
        parameters.AddWithValue("$key", grainKey);
        parameters.AddWithValue("$name", name);
    }

    private static GrainReminder Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)));
}
