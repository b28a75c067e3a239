using GeoSync.Domain.Topology;
using GeoSync.Grains;
using GeoSync.Persistence;
using GeoSync.Storage;
using GeoSync.Webhooks;

namespace GeoSync.Host.Hosting;

/// <summary>The composition root of a GeoSync node.</summary>
public static class GeoSyncHostingExtensions
{
    /// <summary>
    /// Adds a whole node to <paramref name="builder"/>: persistence, region stores, replication on an Orleans silo,
    /// deploy webhooks, and the node's own services (the notifier, the catalog, the maintenance loops). Tests and the
    /// demo replace or configure any of these services afterwards.
    /// </summary>
    public static IHostApplicationBuilder AddGeoSync(this IHostApplicationBuilder builder, GeoSyncNode node)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(node);
        IServiceCollection services = builder.Services;
        PersistenceOptions persistence = node.Persistence();
        services.AddSingleton(node);
        services.AddSingleton(node.Topology);
        services.AddSingleton(node.Secrets);
        services.AddSingleton(TimeProvider.System);
        services.AddGeoSyncPersistence(persistence);
        services.AddGeoSyncStorage(node.BaseDirectory);
        services.AddSingleton<IWebhookEndpointSource>(new TopologyWebhookEndpointSource(() => node.Topology));
        // Before the silo: hosted services stop in reverse order, so deliveries queued by the grains' last checkpoints
        // are still sent while the silo stops.
        services.AddGeoSyncWebhooks();
        services.AddGeoSyncRegions(node.Topology);
        services.AddGeoSyncReplication(o => o.AbandonAfter = node.Topology.Engine.AbandonAfter);
        builder.UseOrleans(silo => silo.UseGeoSyncSilo(node, persistence));

        // After the silo: they start once grains can be called, and stop before the silo does.
        services.AddOptions<NodeOptions>();
        services.AddSingleton<RepositoryNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<RepositoryNotifier>());
        services.AddSingleton<RepositoryCatalog>();
        services.AddHostedService<NodeMaintenance>();
        if (node.IsCluster)
        {
            services.AddHostedService<LostNodeRecovery>();
        }

        return builder;
    }
}
