using System.Runtime.CompilerServices;
using Npgsql;

namespace GeoSync.Persistence.PostgreSql;

/// <summary>
/// The repositories' status rows in PostgreSQL. A publish is one upsert whose WHERE keeps a newer row, so nodes
/// publishing the same repository at once (a stale activation beside the live one) cannot move it back.
/// </summary>
internal sealed class PostgresRepositoryStatusStore(NpgsqlDataSource dataSource) : IRepositoryStatusStore
{
    /// <summary>
    /// Rows per query of <see cref="ReadAllAsync"/>: the connection goes back to the pool between pages, so a slow
    /// reader of many repositories holds neither a connection nor a snapshot.
    /// </summary>
    internal const int PageSize = 500;

    private const string Columns = "repository, last_sequence, document, published_at, unfinished, states";

    public async Task PublishAsync(RepositoryStatusRow row, CancellationToken cancellationToken = default)
    {
        RepositoryStatusValidation.ThrowIfInvalid(row);
        await using NpgsqlCommand command = dataSource.CreateCommand(
            $"INSERT INTO repository_status ({Columns}) VALUES (@repository, @sequence, @document, @at, @unfinished, @states) " +
            "ON CONFLICT (repository) DO UPDATE SET last_sequence = excluded.last_sequence, document = excluded.document, " +
            "published_at = excluded.published_at, unfinished = excluded.unfinished, states = excluded.states WHERE excluded.last_sequence >= repository_status.last_sequence");
        NpgsqlParameterCollection p = command.Parameters;
        p.AddWithValue("repository", row.Repository);
        p.AddWithValue("sequence", row.LastSequence);
        p.AddWithValue("document", row.Document);
        // To the millisecond, as SQLite stores it: both engines return the same row.
        p.AddWithValue("at", DateTimeOffset.FromUnixTimeMilliseconds(row.PublishedAt.ToUnixTimeMilliseconds()));
        p.AddWithValue("unfinished", row.Unfinished);
        p.AddWithValue("states", (int)row.States);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<RepositoryStatusRow?> FindAsync(string repository, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand($"SELECT {Columns} FROM repository_status WHERE repository = @repository");
        command.Parameters.AddWithValue("repository", repository);
        IReadOnlyList<RepositoryStatusRow> rows = await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default)
    {
        // The column's collation is "C" (the schema script): its key order is ordinal, and this reads the key in order.
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT repository FROM repository_status ORDER BY repository");
        return await PostgresQuery.ListAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT repository FROM repository_status WHERE unfinished ORDER BY repository");
        return await PostgresQuery.ListAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListPageAsync(RepositoryStatusPage page, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(RepositoryStatusPageSql.For(page, '@', "unfinished"));
        foreach ((string name, object value) in RepositoryStatusPageSql.Parameters(page))
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await PostgresQuery.ListAsync(command, r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<RepositoryStatusRow> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            IReadOnlyList<RepositoryStatusRow> page;
            await using (NpgsqlCommand command = dataSource.CreateCommand(after is null
                ? $"SELECT {Columns} FROM repository_status ORDER BY repository LIMIT @limit"
                : $"SELECT {Columns} FROM repository_status WHERE repository > @after ORDER BY repository LIMIT @limit"))
            {
                command.Parameters.AddWithValue("limit", PageSize);
                if (after is not null)
                {
                    command.Parameters.AddWithValue("after", after);
                }

                page = await PostgresQuery.ListAsync(command, Map, cancellationToken).ConfigureAwait(false);
            }

            foreach (RepositoryStatusRow row in page)
            {
                yield return row;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Repository;
        }
    }

    private static RepositoryStatusRow Map(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        r.GetFieldValue<DateTimeOffset>(3))
    {
        Unfinished = r.GetBoolean(4),
        States = (RepositoryStates)r.GetInt32(5),
    };
}
