using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>Reads every row of a command into a list.</summary>
internal static class PostgresQuery
{
    public static async Task<IReadOnlyList<T>> ListAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
