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
}
