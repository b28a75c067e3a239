using GeoSync.Testing;

namespace GeoSync.Persistence.Tests;

/// <summary>The persistence contract on SQLite: a fresh database file per test, the production script.</summary>
public sealed class SqlitePersistenceTests : PersistenceContractTests, IDisposable
{
    private readonly TestDirectory _directory = new("sqlite");

    protected override string DbSystem => "sqlite";

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceOptions.Sqlite,
        ConnectionString = $"Data Source={_directory.Combine("db", "geosync.db")}",
    };

    public void Dispose() => _directory.Dispose();
}
