using GeoSync.Testing.Postgres;

namespace GeoSync.Persistence.Tests;

/// <summary>One real PostgreSQL server for every PostgreSQL test class of this assembly; each test gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
