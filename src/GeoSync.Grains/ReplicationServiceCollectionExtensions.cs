using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;
using GeoSync.Grains.Blobs;
using GeoSync.Grains.Links;
using GeoSync.Grains.Planning;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;
using GeoSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GeoSync.Grains;

/// <summary>Settings of replication that the topology does not hold.</summary>
public sealed class ReplicationOptions
{
    /// <summary>Retries of one blob transfer (transient store failures) before the region's work is reported Failed.</summary>
    public int BlobTransferRetries { get; set; } = 3;

    /// <summary>First delay between those retries (exponential, with jitter).</summary>
    public TimeSpan BlobTransferRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest time a repository's applied events and outcomes wait before its state is written.</summary>
    public TimeSpan CheckpointDelay { get; set; } = RepositoryGrain.DefaultCheckpointDelay;

    /// <summary>Longest time an outcome waits before the repository's status is published (status reads never call the grain); other changes are published with the checkpoint.</summary>
    public TimeSpan StatusDelay { get; set; } = RepositoryGrain.DefaultStatusDelay;

    /// <summary>Period of the reminder a repository with unfinished work keeps (Orleans' minimum by default).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a region waiting for a required referrer looks again without being woken.</summary>
    public TimeSpan GateRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long content may be missing at its source before a region gives up on it (the topology's <c>engine.abandonAfter</c>).</summary>
    public TimeSpan AbandonAfter { get; set; } = EngineSettings.DefaultAbandonAfter;

    /// <summary>How often the link egress counted in memory is added to the database.</summary>
    public TimeSpan LinkTrafficFlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Registers what the repository and blob grains use.</summary>
public static class ReplicationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the topology's regions, their stores opened by the <see cref="IRegionStoreFactory"/> the caller registers,
    /// and its rules as the <see cref="IReplicationPolicy"/>.
    /// </summary>
    public static IServiceCollection AddGeoSyncRegions(this IServiceCollection services, RegionTopology topology)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(topology);
        services.TryAddSingleton<IReplicationPolicy>(new TopologyReplicationPolicy(topology));
        services.TryAddSingleton(sp =>
        {
            IRegionStoreFactory stores = sp.GetRequiredService<IRegionStoreFactory>();
            return new RegionDirectory(
                topology.Regions.Select(r => new RegionEndpoint(r.Name, stores.Open(r), r.Priority, r.Limits.Concurrency, r.Limits.BandwidthBytesPerSecond)),
                topology.LinkCost,
                topology.Prices);
        });
        services.TryAddSingleton(sp =>
        {
            var throttle = new RegionThrottle(sp.GetRequiredService<RegionDirectory>());
            // Every region can run its sync slots and its transfer slots at once, each blocking a thread on a filesystem store.
            ThreadPoolReservation.Reserve(throttle.TotalSlots);
            return throttle;
        });
        return services;
    }

    /// <summary>
    /// Adds the region replicator, the blob transfer, the reconciler, the dry-run planner, the link egress accounting
    /// (and its flusher) and <see cref="RepositoryServices"/>. The caller
    /// registers the regions (<see cref="RegionDirectory"/>), the rules (<see cref="IReplicationPolicy"/>), the inbox
    /// (<see cref="IEventInbox"/>), the transfer checkpoints (<see cref="ITransferCheckpointStore"/>), the link egress totals (<see cref="ILinkTrafficStore"/>), the status read model (<see cref="IRepositoryStatusStore"/>) and who is told
    /// of completed regions (every registered <see cref="IReplicationObserver"/>, in registration order).
    /// </summary>
    public static IServiceCollection AddGeoSyncReplication(this IServiceCollection services, Action<ReplicationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ReplicationOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RegionThrottle>();
        services.TryAddSingleton<ReferrerIndex>();
        services.TryAddSingleton(_ => new ImageGraphCache());
        services.TryAddSingleton<IRegionReplicator, RegionReplicator>();
        services.TryAddSingleton<RepositoryReconciler>();
        services.TryAddSingleton<BlobSources>();
        services.TryAddSingleton<BlobTransfer>();
        services.TryAddSingleton<ImageTransferPlanner>();
        services.TryAddSingleton<SyncPlanner>();
        services.TryAddSingleton<LinkTraffic>();
        services.AddHostedService<LinkTrafficFlusher>();
        services.TryAddSingleton(sp =>
        {
            ReplicationOptions options = sp.GetRequiredService<IOptions<ReplicationOptions>>().Value;
            return new RepositoryServices(
                sp.GetRequiredService<IEventInbox>(),
                sp.GetRequiredService<IReplicationPolicy>(),
                sp.GetRequiredService<RegionDirectory>(),
                sp.GetRequiredService<IRegionReplicator>(),
                sp.GetRequiredService<ReferrerIndex>(),
                sp.GetRequiredService<RepositoryReconciler>(),
                new CompositeReplicationObserver([.. sp.GetServices<IReplicationObserver>()]),
                sp.GetRequiredService<IRepositoryStatusStore>())
            {
                TimeProvider = sp.GetRequiredService<TimeProvider>(),
                Stopping = sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping,
                CheckpointDelay = options.CheckpointDelay,
                StatusDelay = options.StatusDelay,
                ReminderPeriod = options.ReminderPeriod,
                GateRecheckInterval = options.GateRecheckInterval,
                AbandonAfter = options.AbandonAfter,
            };
        });
        return services;
    }
}
