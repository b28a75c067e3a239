using GeoSync.Testing.Postgres;

namespace GeoSync.Persistence.Tests;

/// <summary>
/// The persistence contract on a real PostgreSQL server: one database for this class, emptied before each test
/// (the production script still runs at every open).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPersistenceTests(PostgresServer server) : PersistenceContractTests
{
    private string? _connectionString;

    protected override string DbSystem => "postgresql";

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceOptions.Postgres,
        ConnectionString = _connectionString ?? throw new InvalidOperationException("database not created yet"),
    };

    protected override async Task CreateDatabaseAsync()
    {
        _connectionString = await server.SharedDatabaseAsync(nameof(PostgresPersistenceTests));
        await PostgresServer.TruncateAllAsync(_connectionString);
    }

    [Fact]
    public async Task RepositoryStatus_Key_IsOrdinalWhateverTheDatabaseLocale()
    {
        // The test server's databases use the C locale, where any ORDER BY is ordinal: the column must say so itself.
        await using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'repository_status' AND column_name = 'repository'",
            connection);

        Assert.Equal("C", await command.ExecuteScalarAsync());
    }

    protected override async Task<PersistenceOptions> CreateEarlierVersionStatusAsync(IReadOnlyList<(string Repository, string Document, bool Unfinished)> rows)
    {
        string connectionString = await server.CreateDatabaseAsync("earlier_status");
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The status table as the schema script of the earlier version created it.
        await using (var create = new Npgsql.NpgsqlCommand(
            """
            CREATE TABLE repository_status (
                repository text COLLATE "C" NOT NULL PRIMARY KEY, last_sequence bigint NOT NULL, document text NOT NULL,
                published_at timestamptz NOT NULL, unfinished boolean NOT NULL DEFAULT false);
            CREATE INDEX repository_status_unfinished ON repository_status (repository) WHERE unfinished;
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach ((string repository, string document, bool unfinished) in rows)
        {
            await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO repository_status VALUES (@repository, 1, @document, now(), @unfinished)", connection);
            insert.Parameters.AddWithValue("repository", repository);
            insert.Parameters.AddWithValue("document", document);
            insert.Parameters.AddWithValue("unfinished", unfinished);
            await insert.ExecuteNonQueryAsync();
        }

        return new PersistenceOptions { Provider = PersistenceOptions.Postgres, ConnectionString = connectionString };
    }

    protected override async Task<PersistenceOptions> CreateEarlierVersionInboxAsync(IReadOnlyList<(InboxEvent Event, bool Applied)> rows)
    {
        string connectionString = await server.CreateDatabaseAsync("earlier");
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The inbox as the schema script of the earlier version created it.
        await using (var create = new Npgsql.NpgsqlCommand(
            """
            CREATE TABLE event_inbox (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, source_region text NOT NULL, event_id text NOT NULL,
                repository text NOT NULL, payload text NOT NULL, received_at timestamptz NOT NULL, applied boolean NOT NULL DEFAULT false,
                UNIQUE (event_id, source_region));
            CREATE INDEX ix_event_inbox_pending ON event_inbox (repository, sequence) WHERE NOT applied;
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach ((InboxEvent e, bool applied) in rows)
        {
            await using var insert = new Npgsql.NpgsqlCommand(
                "INSERT INTO event_inbox (source_region, event_id, repository, payload, received_at, applied) VALUES (@region, @id, @repository, @payload, @at, @applied)", connection);
            insert.Parameters.AddWithValue("region", e.SourceRegion);
            insert.Parameters.AddWithValue("id", e.EventId);
            insert.Parameters.AddWithValue("repository", e.Repository);
            insert.Parameters.AddWithValue("payload", e.Payload);
            insert.Parameters.AddWithValue("at", e.ReceivedAt);
            insert.Parameters.AddWithValue("applied", applied);
            await insert.ExecuteNonQueryAsync();
        }

        return new PersistenceOptions { Provider = PersistenceOptions.Postgres, ConnectionString = connectionString };
    }
}
