using GeoSync.Domain.Topology;
using GeoSync.Grains;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;
using GeoSync.Persistence.Grains;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace GeoSync.Host.Hosting;

/// <summary>A node's Orleans silo: the embedded single silo on SQLite, or one silo of a cluster on PostgreSQL.</summary>
public static class SiloConfiguration
{
    /// <summary>Orleans' service id: the grain state and reminders of every GeoSync cluster in a database are GeoSync's.</summary>
    private const string ServiceId = "geosync";

    /// <summary>Connections Orleans' providers may hold per node (membership, grain state and reminders are light).</summary>
    private const int OrleansMaxPoolSize = 20;

    /// <summary>The ADO.NET invariant Orleans' providers load Npgsql by.</summary>
    private const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Configures the silo for <paramref name="node"/>: clustering, grain state and reminders where its persistence
    /// says, GeoSync's types serialized as JSON, activity propagation, and the grains' idle and reminder periods from
    /// <see cref="NodeOptions"/> and <see cref="ReplicationOptions"/>.
    /// </summary>
    public static ISiloBuilder UseGeoSyncSilo(this ISiloBuilder silo, GeoSyncNode node, PersistenceOptions persistence)
    {
        if (node.IsCluster)
        {
            UseClusterOnPostgres(silo, node.Topology.Engine.Cluster, persistence.ConnectionString);
        }
        else
        {
            UseEmbeddedSilo(silo, node.Topology.Engine.Cluster);
        }

        silo.AddActivityPropagation();
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<NodeOptions>>((o, node) => o.CollectionAge = node.Value.GrainIdleTimeout);
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<ReplicationOptions>>((o, replication) =>
            o.MinimumReminderPeriod = replication.Value.ReminderPeriod < o.MinimumReminderPeriod ? replication.Value.ReminderPeriod : o.MinimumReminderPeriod);
        silo.Services.AddGeoSyncSerializer();
        return silo;
    }

    /// <summary>One silo on loopback; grain state and reminders in the engine's SQLite file, through its single writer.</summary>
    private static void UseEmbeddedSilo(ISiloBuilder silo, ClusterSettings cluster)
    {
        silo.UseLocalhostClustering(siloPort: cluster.SiloPort ?? FreeLoopbackPort(), gatewayPort: cluster.GatewayPort, serviceId: ServiceId, clusterId: cluster.Id);
        silo.Services.AddGrainStorage(RepositoryGrain.StorageName, (sp, _) => new StateStoreGrainStorage(sp.GetRequiredService<IGrainStateStore>(), GrainJson.Options));
        silo.AddReminders();
    }

    /// <summary>
    /// Every node is a silo of one cluster: membership, grain state and reminders through Orleans' ADO.NET providers
    /// on the shared PostgreSQL (their tables and queries are GeoSync's Scripts/postgresql-orleans.sql).
    /// </summary>
    private static void UseClusterOnPostgres(ISiloBuilder silo, ClusterSettings cluster, string connectionString)
    {
        connectionString = OrleansPool(connectionString);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.Id;
            o.ServiceId = ServiceId;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = cluster.SiloPort ?? ClusterSettings.DefaultSiloPort;
            o.GatewayPort = cluster.GatewayPort;
            if (cluster.AdvertisedAddress is { } address)
            {
                o.AdvertisedIPAddress = System.Net.IPAddress.Parse(address);
            }
        });
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
        var json = new SystemTextJsonGrainStorageSerializerOptions();
        GrainJson.CopyTo(json.JsonSerializerOptions);
        silo.AddAdoNetGrainStorage(RepositoryGrain.StorageName, o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new SystemTextJsonGrainStorageSerializer(Options.Create(json));
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = NpgsqlInvariant;
            o.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Orleans' providers open a pool of their own beside GeoSync's: left at Npgsql's default of 100 each, one node alone
    /// could exceed PostgreSQL's default max_connections (100). Left at that default, Orleans' pool gets 20.
    /// </summary>
    private static string OrleansPool(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxPoolSize == new Npgsql.NpgsqlConnectionStringBuilder().MaxPoolSize)
        {
            builder.MaxPoolSize = OrleansMaxPoolSize;
        }

        return builder.ConnectionString;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
