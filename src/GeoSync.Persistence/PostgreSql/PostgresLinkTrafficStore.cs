using Npgsql;
using NpgsqlTypes;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>Link egress totals in PostgreSQL: each batch is one upsert of every entry (one round trip, one commit).</summary>
internal sealed class PostgresLinkTrafficStore(NpgsqlDataSource dataSource) : ILinkTrafficStore
{
    private const string AddSql =
        "INSERT INTO link_traffic (day, from_region, to_region, bytes) " +
        "SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[]) " +
        "ON CONFLICT (day, from_region, to_region) DO UPDATE SET bytes = link_traffic.bytes + excluded.bytes";

    public async Task AddAsync(IReadOnlyList<LinkTrafficDay> increments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(increments);
        if (increments.Count == 0)
        {
            return;
        }

        await using NpgsqlCommand command = dataSource.CreateCommand(AddSql);
        command.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = [.. increments.Select(i => i.Day)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. increments.Select(i => i.From)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. increments.Select(i => i.To)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. increments.Select(i => i.Bytes)] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<LinkTrafficDay>> ListAsync(DateOnly? since = null, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(
            "SELECT day, from_region, to_region, bytes FROM link_traffic WHERE $1::date IS NULL OR day >= $1 " +
            "ORDER BY day, from_region COLLATE \"C\", to_region COLLATE \"C\"");
        command.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = since, NpgsqlDbType = NpgsqlDbType.Date });
        return await PostgresQuery.ListAsync(
            command,
            r => new LinkTrafficDay(r.GetFieldValue<DateOnly>(0), r.GetString(1), r.GetString(2), r.GetInt64(3)),
            cancellationToken).ConfigureAwait(false);
    }
}
