using GeoSync.Domain.Names;
using GeoSync.Grains.Replication;

namespace GeoSync.Grains.Tests.Fakes;

/// <summary>A policy replicating every region to every other, with fixed switches; for unit tests of grain logic.</summary>
public sealed class StaticReplicationPolicy(IReadOnlyList<string> regions, bool deletes = true, bool referrers = true, string? gate = null) : IReplicationPolicy
{
    public IReadOnlyList<string> SourceRegions => regions;

    public TimeSpan ReconcileInterval => TimeSpan.FromMinutes(10);

    public IReadOnlyList<ReplicationTarget> TargetsFor(string sourceRegion, RepositoryName repository, string? tag) =>
        [.. regions.Where(r => r != sourceRegion).Select(r => new ReplicationTarget(r, "all", deletes, referrers, gate is null ? [] : [gate]))];
}
