using GeoSync.Domain.Topology;
using GeoSync.Persistence;
using Microsoft.Data.Sqlite;

namespace GeoSync.Host.Hosting;

/// <summary>
/// What a node is built from: the topology, the folder its relative paths start from (the topology file's), and how
/// its secret references are read.
/// </summary>
public sealed class GeoSyncNode
{
    /// <param name="topology">The validated topology.</param>
    /// <param name="environment">Reads an environment variable for <c>env:</c> secrets; null = the process environment.</param>
    public GeoSyncNode(RegionTopology topology, Func<string, string?>? environment = null)
    {
        Topology = topology;
        BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(topology.File)) ?? Directory.GetCurrentDirectory();
        DataDirectory = Path.GetFullPath(topology.Engine.DataDirectory, BaseDirectory);
        Secrets = new SecretResolver(BaseDirectory, environment);
    }

    public RegionTopology Topology { get; }

    /// <summary>The topology file's folder: relative paths in the topology start here.</summary>
    public string BaseDirectory { get; }

    /// <summary>The engine's data directory (<c>engine.dataDirectory</c>), absolute.</summary>
    public string DataDirectory { get; }

    public SecretResolver Secrets { get; }

    /// <summary>True when the node is one silo of a cluster on PostgreSQL rather than the embedded single silo.</summary>
    public bool IsCluster => Topology.Engine.Persistence.Provider == PersistenceProvider.Postgres;

    /// <summary>The database settings, the connection string's secret resolved (throws <see cref="SecretResolutionException"/>).</summary>
    public PersistenceOptions Persistence()
    {
        string connectionString = Topology.Engine.Persistence.ResolveConnectionString(Secrets.Resolve);
        if (IsCluster)
        {
            return new PersistenceOptions { Provider = PersistenceOptions.Postgres, ConnectionString = connectionString };
        }

        // A relative SQLite file is relative to the topology file, like the data directory.
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, BaseDirectory);
        }

        return new PersistenceOptions { Provider = PersistenceOptions.Sqlite, ConnectionString = builder.ToString() };
    }
}
