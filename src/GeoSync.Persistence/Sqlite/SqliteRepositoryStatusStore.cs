using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// The repositories' status rows in SQLite. Publishes go through the <see cref="SqliteWriter"/>'s group commit, as
/// the checkpoints they accompany do; reads use the pooled read connections and never wait for the writer.
/// </summary>
internal sealed class SqliteRepositoryStatusStore(SqliteWriter writer, SqliteReaders readers) : IRepositoryStatusStore
{
    /// <summary>Rows per read of <see cref="ReadAllAsync"/>: each page is a short read, so no snapshot is held while the caller works.</summary>
    internal const int PageSize = 500;

    private const string Columns = "repository, last_sequence, document, published_at, unfinished, states";

    public Task PublishAsync(RepositoryStatusRow row, CancellationToken cancellationToken = default)
    {
        RepositoryStatusValidation.ThrowIfInvalid(row);
        return writer.WriteAsync(
            w =>
            {
                // The WHERE keeps the stored row when it is newer: the statement changes nothing, and that is no error.
                SqliteCommand command = w.Command(
                    $"INSERT INTO repository_status ({Columns}) VALUES ($repository, $sequence, $document, $at, $unfinished, $states) " +
                    "ON CONFLICT (repository) DO UPDATE SET last_sequence = excluded.last_sequence, document = excluded.document, " +
                    "published_at = excluded.published_at, unfinished = excluded.unfinished, states = excluded.states WHERE excluded.last_sequence >= repository_status.last_sequence");
                SqliteParameterCollection p = command.Parameters;
                p.AddWithValue("$repository", row.Repository);
                p.AddWithValue("$sequence", row.LastSequence);
                p.AddWithValue("$document", row.Document);
                p.AddWithValue("$at", row.PublishedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("$unfinished", row.Unfinished);
                p.AddWithValue("$states", (int)row.States);
                return command.ExecuteNonQuery();
            },
            isolated: false,
            cancellationToken);
    }

    public Task<RepositoryStatusRow?> FindAsync(string repository, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<RepositoryStatusRow> rows = readers.Query(
            $"SELECT {Columns} FROM repository_status WHERE repository = $repository",
            p => p.AddWithValue("$repository", repository),
            Map);
        return Task.FromResult(rows.Count == 0 ? null : rows[0]);
    }

    public Task<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            "SELECT repository FROM repository_status ORDER BY repository",
            _ => { },
            r => r.GetString(0)));
    }

    public Task<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            "SELECT repository FROM repository_status WHERE unfinished = 1 ORDER BY repository",
            _ => { },
            r => r.GetString(0)));
    }

    public Task<IReadOnlyList<string>> ListPageAsync(RepositoryStatusPage page, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(readers.Query(
            RepositoryStatusPageSql.For(page, '$', "unfinished = 1"),
            p =>
            {
                foreach ((string name, object value) in RepositoryStatusPageSql.Parameters(page))
                {
                    p.AddWithValue("$" + name, value);
                }
            },
            r => r.GetString(0)));
    }

    public async IAsyncEnumerable<RepositoryStatusRow> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // BINARY collation compares UTF-8 bytes, which for ASCII repository names is ordinal order. Each page
            // resumes after the last key of the one before, along the key's index.
            IReadOnlyList<RepositoryStatusRow> page = readers.Query(
                after is null
                    ? $"SELECT {Columns} FROM repository_status ORDER BY repository LIMIT $limit"
                    : $"SELECT {Columns} FROM repository_status WHERE repository > $after ORDER BY repository LIMIT $limit",
                p =>
                {
                    p.AddWithValue("$limit", PageSize);
                    if (after is not null)
                    {
                        p.AddWithValue("$after", after);
                    }
                },
                Map);
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

    private static RepositoryStatusRow Map(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)))
    {
        Unfinished = r.GetBoolean(4),
        States = (RepositoryStates)r.GetInt32(5),
    };
}
