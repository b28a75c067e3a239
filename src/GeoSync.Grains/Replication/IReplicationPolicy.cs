using GeoSync.Domain.Names;

namespace GeoSync.Grains.Replication;

/// <summary>How one region receives an image, from the rule that selected it.</summary>
/// <param name="Region">The region.</param>
/// <param name="Rule">The rule's name (for status and logs); empty for the region the image was pushed to.</param>
/// <param name="Deletes">True when deletes replicate into the region.</param>
/// <param name="Referrers">True when referrers (signatures, SBOMs) follow their subject.</param>
/// <param name="RequiredReferrerArtifactTypes">The gates holding the region: it is Synced only once a referrer of each of these artifact types is there too.</param>
public sealed record ReplicationTarget(string Region, string Rule, bool Deletes, bool Referrers, IReadOnlyList<string> RequiredReferrerArtifactTypes)
{
    /// <summary>
    /// The region an image was pushed to: nothing is copied or deleted there, but every gate of the rules that send
    /// the image elsewhere holds it too, so no region is announced before its referrer is there.
    /// </summary>
    public static ReplicationTarget Source(string region, IEnumerable<ReplicationTarget> targets) =>
        new(region, string.Empty, Deletes: false, Referrers: false, [.. targets.SelectMany(t => t.RequiredReferrerArtifactTypes).Distinct(StringComparer.Ordinal)]);
}

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
