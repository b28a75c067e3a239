using GeoSync.Testing.Postgres;

namespace GeoSync.Host.Tests.Cluster;

/// <summary>One real PostgreSQL server for the cluster tests; each test gets its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "cluster-postgres";
}
