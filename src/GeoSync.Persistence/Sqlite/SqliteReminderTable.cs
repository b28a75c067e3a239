using Microsoft.Data.Sqlite;
using Orleans;
using Orleans.Runtime;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// Orleans reminders in the engine's SQLite file, written through the same single writer as the inbox. Rows are
/// read by grain or by a range of the grain-id hash ring, as the reminder service asks; writes present an ETag.
/// </summary>
internal sealed class SqliteReminderTable(SqliteWriter writer, SqliteReaders readers) : IReminderTable
{
    private const string Columns = "grain_id, name, start_at, period_ms, etag";

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(readers.Query(
            $"SELECT {Columns} FROM reminder WHERE grain_id = $grain ORDER BY name",
            p => p.AddWithValue("$grain", grainId.ToString()),
            Map)));

    /// <summary>Rows whose hash is in (begin, end]; when begin is not below end the range wraps around the ring.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.FromResult(new ReminderTableData(readers.Query(
            begin < end
                ? $"SELECT {Columns} FROM reminder WHERE grain_hash > $begin AND grain_hash <= $end"
                : $"SELECT {Columns} FROM reminder WHERE grain_hash > $begin OR grain_hash <= $end",
            p =>
            {
                p.AddWithValue("$begin", (long)begin);
                p.AddWithValue("$end", (long)end);
            },
            Map)));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(readers.Query(
            $"SELECT {Columns} FROM reminder WHERE grain_id = $grain AND name = $name",
            p =>
            {
                p.AddWithValue("$grain", grainId.ToString());
                p.AddWithValue("$name", reminderName);
            },
            Map).FirstOrDefault());

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string etag = Guid.NewGuid().ToString("N");
        await writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command(
                    "INSERT INTO reminder (grain_id, name, grain_hash, start_at, period_ms, etag) VALUES ($grain, $name, $hash, $start, $period, $etag) " +
                    "ON CONFLICT (grain_id, name) DO UPDATE SET start_at = excluded.start_at, period_ms = excluded.period_ms, etag = excluded.etag");
                command.Parameters.AddWithValue("$grain", entry.GrainId.ToString());
                command.Parameters.AddWithValue("$name", entry.ReminderName);
                command.Parameters.AddWithValue("$hash", (long)entry.GrainId.GetUniformHashCode());
                command.Parameters.AddWithValue("$start", new DateTimeOffset(DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$period", (long)entry.Period.TotalMilliseconds);
                command.Parameters.AddWithValue("$etag", etag);
                return command.ExecuteNonQuery();
            },
            isolated: false).ConfigureAwait(false);
        return etag;
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        int removed = await writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command("DELETE FROM reminder WHERE grain_id = $grain AND name = $name AND etag = $etag");
                command.Parameters.AddWithValue("$grain", grainId.ToString());
                command.Parameters.AddWithValue("$name", reminderName);
                command.Parameters.AddWithValue("$etag", eTag);
                return command.ExecuteNonQuery();
            },
            isolated: false).ConfigureAwait(false);
        return removed > 0;
    }

    public Task TestOnlyClearTable() =>
        writer.WriteAsync(w => w.Execute("DELETE FROM reminder"), isolated: false);

    private static ReminderEntry Map(SqliteDataReader r) => new()
    {
        GrainId = GrainId.Parse(r.GetString(0)),
        ReminderName = r.GetString(1),
        StartAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)).UtcDateTime,
        Period = TimeSpan.FromMilliseconds(r.GetInt64(3)),
        ETag = r.GetString(4),
    };
}
