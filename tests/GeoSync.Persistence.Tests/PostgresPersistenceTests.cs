using GeoSync.Testing.Postgres;

namespace GeoSync.Persistence.Tests;

/// <summary>The persistence contract on a real PostgreSQL server: a fresh database per test, the production script.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPersistenceTests(PostgresServer server) : PersistenceContractTests
{
    private string? _connectionString;

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceOptions.Postgres,
        ConnectionString = _connectionString ?? throw new InvalidOperationException("database not created yet"),
    };

    protected override async Task CreateDatabaseAsync() =>
        _connectionString = await server.CreateDatabaseAsync(nameof(PostgresPersistenceTests));
}
