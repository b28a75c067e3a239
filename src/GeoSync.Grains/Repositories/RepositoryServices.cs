using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;

namespace GeoSync.Grains.Repositories;

/// <summary>The services a <see cref="RepositoryGrain"/> uses; shared, stateless or internally synchronised.</summary>
public sealed record RepositoryServices(
    IEventInbox Inbox,
    IReplicationPolicy Policy,
    RegionDirectory Regions,
    IRegionReplicator Replicator,
    ReferrerIndex Referrers,
    RepositoryReconciler Reconciler,
    IReplicationObserver Observer,
    IRepositoryStatusStore Status)
{
    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Signalled when the engine stops: the region workers end and the stored state says what is left.</summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>How often a region waiting for a required referrer looks again without being woken.</summary>
    public TimeSpan GateRecheckInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long content may be missing at its source before a region gives up on it (Abandoned).</summary>
    public TimeSpan AbandonAfter { get; init; } = EngineSettings.DefaultAbandonAfter;

    /// <summary>Longest time applied events and recorded outcomes wait in memory before the state is written.</summary>
    public TimeSpan CheckpointDelay { get; init; } = RepositoryGrain.DefaultCheckpointDelay;

    /// <summary>Longest time an outcome (or a copy's progress) waits before the repository's status is published; other changes wait for the checkpoint.</summary>
    public TimeSpan StatusDelay { get; init; } = RepositoryGrain.DefaultStatusDelay;

    /// <summary>Period of the reminder a repository with unfinished work keeps, so a restart resumes it.</summary>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Carries out one <see cref="RegionWork"/> against the stores.</summary>
public interface IRegionReplicator
{
    /// <summary>Does the work; failures come back as a Failed result, never as an exception.</summary>
    /// <param name="work">What to do.</param>
    /// <param name="progress">Told how far a copy is: once planned, then as each blob is in the region.</param>
    /// <param name="cancellationToken">Ends the work when the engine stops.</param>
    Task<RegionWorkResult> ExecuteAsync(RegionWork work, Func<CopyProgress, Task>? progress = null, CancellationToken cancellationToken = default);
}
