using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;
using GeoSync.Grains.Replication;
using TopologyTarget = GeoSync.Domain.Topology.ReplicationTarget;

namespace GeoSync.Host.Engine;

/// <summary>The topology's rules, as the repository grains ask them.</summary>
public sealed class TopologyReplicationPolicy(RegionTopology topology) : IReplicationPolicy
{
    /// <inheritdoc />
    public IReadOnlyList<string> SourceRegions { get; } =
        [.. topology.Regions.Where(r => topology.Rules.Any(rule => rule.HasSource(r.Name))).Select(r => r.Name)];

    /// <inheritdoc />
    public TimeSpan ReconcileInterval { get; } =
        topology.Rules.Count == 0 ? topology.Defaults.Rule.ReconcileInterval : topology.Rules.Min(r => r.ReconcileInterval);

    /// <inheritdoc />
    public IReadOnlyList<Grains.Replication.ReplicationTarget> TargetsFor(string sourceRegion, RepositoryName repository, string? tag)
    {
        if (tag is not null)
        {
            return [.. topology.TargetsFor(sourceRegion, repository.Value, tag).Select(Convert)];
        }

        // A delete by digest names no tag: every rule that replicates the repository from the source applies.
        var chosen = new Dictionary<string, Grains.Replication.ReplicationTarget>(StringComparer.Ordinal);
        foreach (Rule rule in topology.RulesFor(sourceRegion, repository.Value))
        {
            foreach (string target in rule.TargetsFrom(sourceRegion))
            {
                chosen.TryAdd(target, Convert(new TopologyTarget(topology.Region(target), rule)));
            }
        }

        return [.. chosen.Values];
    }

    private static Grains.Replication.ReplicationTarget Convert(TopologyTarget target) =>
        new(target.Region.Name, target.Rule.Name, target.Rule.Deletes, target.Rule.Referrers, target.Rule.RequireReferrer?.ArtifactType);
}
