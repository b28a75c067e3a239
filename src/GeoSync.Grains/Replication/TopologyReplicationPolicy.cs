using System.Collections.Concurrent;
using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;
using TopologyTarget = GeoSync.Domain.Topology.ReplicationTarget;

namespace GeoSync.Grains.Replication;

/// <summary>The topology's rules, as the repository grains ask them.</summary>
public sealed class TopologyReplicationPolicy(RegionTopology topology) : IReplicationPolicy
{
    /// <inheritdoc />
    public IReadOnlyList<string> SourceRegions { get; } =
        [.. topology.Regions.Where(r => topology.Rules.Any(rule => rule.HasSource(r.Name))).Select(r => r.Name)];

    /// <inheritdoc />
    public TimeSpan ReconcileInterval { get; } =
        topology.Rules.Count == 0 ? topology.Defaults.Rule.ReconcileInterval : topology.Rules.Min(r => r.ReconcileInterval);

    /// <summary>Most answers kept; the rules are immutable, so a cached answer is never stale, only evicted.</summary>
    private const int CacheLimit = 65_536;

    private readonly ConcurrentDictionary<(string Source, string Repository, string? Tag), IReadOnlyList<Grains.Replication.ReplicationTarget>> _cache = new();

    /// <inheritdoc />
    /// <remarks>Every event asks (repository globs and tag patterns are matched each time), so answers are cached.</remarks>
    public IReadOnlyList<Grains.Replication.ReplicationTarget> TargetsFor(string sourceRegion, RepositoryName repository, string? tag)
    {
        if (_cache.TryGetValue((sourceRegion, repository.Value, tag), out IReadOnlyList<Grains.Replication.ReplicationTarget>? cached))
        {
            return cached;
        }

        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        IReadOnlyList<Grains.Replication.ReplicationTarget> targets = Compute(sourceRegion, repository, tag);
        _cache[(sourceRegion, repository.Value, tag)] = targets;
        return targets;
    }

    private IReadOnlyList<Grains.Replication.ReplicationTarget> Compute(string sourceRegion, RepositoryName repository, string? tag)
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
        new(target.Region.Name, target.Rule.Name, target.Rule.Deletes, target.Rule.Referrers, target.Rule.RequireReferrer is { } gate ? [gate.ArtifactType] : []);
}
