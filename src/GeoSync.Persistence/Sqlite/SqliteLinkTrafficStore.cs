using System.Globalization;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>Link egress totals in SQLite, added through the single writer's group commit.</summary>
internal sealed class SqliteLinkTrafficStore(SqliteWriter writer, SqliteReaders readers) : ILinkTrafficStore
{
    private const string DayFormat = "yyyy-MM-dd";

    public Task AddAsync(IReadOnlyList<LinkTrafficDay> increments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return Task.CompletedTask;
        }

        return writer.WriteAsync(
            w =>
            {
                SqliteCommand command = w.Command(
                    "INSERT INTO link_traffic (day, from_region, to_region, bytes) VALUES ($day, $from, $to, $bytes) " +
                    "ON CONFLICT (day, from_region, to_region) DO UPDATE SET bytes = bytes + excluded.bytes");
                foreach (LinkTrafficDay increment in increments)
                {
                    SqliteParameterCollection p = command.Parameters;
                    p.Clear();
                    p.AddWithValue("$day", increment.Day.ToString(DayFormat, CultureInfo.InvariantCulture));
                    p.AddWithValue("$from", increment.From);
                    p.AddWithValue("$to", increment.To);
                    p.AddWithValue("$bytes", increment.Bytes);
                    command.ExecuteNonQuery();
                }

                return increments.Count;
            },
            isolated: true,
            cancellationToken);
    }

    public Task<IReadOnlyList<LinkTrafficDay>> ListAsync(DateOnly? since = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            "SELECT day, from_region, to_region, bytes FROM link_traffic WHERE $since IS NULL OR day >= $since ORDER BY day, from_region, to_region",
            p => p.AddWithValue("$since", since is DateOnly day ? day.ToString(DayFormat, CultureInfo.InvariantCulture) : DBNull.Value),
            r => new LinkTrafficDay(DateOnly.ParseExact(r.GetString(0), DayFormat, CultureInfo.InvariantCulture), r.GetString(1), r.GetString(2), r.GetInt64(3))));
    }
}
