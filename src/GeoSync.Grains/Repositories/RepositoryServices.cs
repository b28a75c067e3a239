using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

/// <summary>The services a <see cref="RepositoryGrain"/> uses; shared, stateless or internally synchronised.</summary>
public sealed record RepositoryServices(
    IEventInbox Inbox,
    IReminderTable Reminders,
    IReplicationPolicy Policy,
    RegionDirectory Regions,
    IRegionReplicator Replicator,
    ReferrerIndex Referrers,
    RepositoryReconciler Reconciler,
    IReplicationObserver Observer,
    ILogger Logger)
{
    /// <summary>How often a region waiting for a required referrer looks again without being woken.</summary>
    public TimeSpan GateRecheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest time applied events and recorded outcomes wait in memory before the state is written.</summary>
    public TimeSpan CheckpointDelay { get; init; } = RepositoryGrain.DefaultCheckpointDelay;
}

/// <summary>Carries out one <see cref="RegionWork"/> against the stores.</summary>
public interface IRegionReplicator
{
    /// <summary>Does the work; failures come back as a Failed result, never as an exception.</summary>
    Task<RegionWorkResult> ExecuteAsync(RegionWork work, CancellationToken cancellationToken = default);
}
