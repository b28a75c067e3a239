using GeoSync.Domain.Names;

namespace GeoSync.Grains.Replication;

/// <summary>How one target region receives an image, from the rule that selected it.</summary>
/// <param name="Region">The target region.</param>
/// <param name="Rule">The rule's name (for status and logs).</param>
/// <param name="Deletes">True when deletes replicate into the region.</param>
/// <param name="Referrers">True when referrers (signatures, SBOMs) follow their subject.</param>
/// <param name="RequiredReferrerArtifactType">When set, the region is Synced only once a referrer of this artifact type is there too.</param>
public sealed record ReplicationTarget(string Region, string Rule, bool Deletes, bool Referrers, string? RequiredReferrerArtifactType);

/// <summary>The replication rules of the topology, as the repository grain asks them.</summary>
public interface IReplicationPolicy
{
    /// <summary>
    /// The regions an image pushed in <paramref name="sourceRegion"/> must reach (never the source itself). With a
    /// null <paramref name="tag"/> the rules' tag filters are not applied (deletes by digest name no tag).
    /// </summary>
    IReadOnlyList<ReplicationTarget> TargetsFor(string sourceRegion, RepositoryName repository, string? tag);

    /// <summary>Regions that are a source of at least one rule (reconciliation lists their stores).</summary>
    IReadOnlyList<string> SourceRegions { get; }

    /// <summary>How often the repositories of a source region are reconciled.</summary>
    TimeSpan ReconcileInterval { get; }
}
