using GeoSync.Domain.Topology;
using GeoSync.Storage;

namespace GeoSync.Grains.Regions;

/// <summary>One region as replication sees it: its store and the settings that steer transfers into it.</summary>
/// <param name="Name">The region's name.</param>
/// <param name="Store">The region's content store.</param>
/// <param name="Priority">Breaks ties between pushes with the same timestamp: the lower number wins.</param>
/// <param name="Concurrency">At most this many blob transfers into the region at once, and at most this many image syncs (fewer when the store is worth fewer operations at once).</param>
/// <param name="BandwidthBytesPerSecond">Optional cap on streamed bytes per second into the region.</param>
public sealed record RegionEndpoint(string Name, IRegionStore Store, int Priority, int Concurrency, long? BandwidthBytesPerSecond = null);

/// <summary>
/// The regions of the topology, their stores and the cost of moving bytes between them. Read-only after start;
/// shared by grains as a service, never as mutable state.
/// </summary>
public sealed class RegionDirectory
{
    private readonly Dictionary<string, RegionEndpoint> _regions;
    private readonly Func<string, string, int> _linkCost;

    /// <param name="regions">Every region.</param>
    /// <param name="linkCost">The cost of copying from the first region into the second.</param>
    /// <param name="prices">What a GiB crossing each link costs; none when omitted.</param>
    public RegionDirectory(IEnumerable<RegionEndpoint> regions, Func<string, string, int> linkCost, LinkPrices? prices = null)
    {
        _regions = regions.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _linkCost = linkCost;
        Prices = prices ?? LinkPrices.None;
        Names = [.. _regions.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>What a GiB crossing each link costs (the egress the plan and the link accounting price).</summary>
    public LinkPrices Prices { get; }

    /// <summary>Every region name, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The region called <paramref name="name"/>.</summary>
    public RegionEndpoint this[string name] =>
        _regions.TryGetValue(name, out RegionEndpoint? region) ? region : throw new KeyNotFoundException($"unknown region '{name}'");

    /// <summary>True when the topology has the region.</summary>
    public bool Contains(string name) => _regions.ContainsKey(name);

    /// <summary>The cost of copying from <paramref name="from"/> into <paramref name="to"/>.</summary>
    public int LinkCost(string from, string to) => from == to ? 0 : _linkCost(from, to);

    /// <summary>Regions other than <paramref name="target"/>, cheapest source first (ties by name, so the choice is stable).</summary>
    public IEnumerable<string> SourcesByCost(string target) =>
        Names.Where(n => n != target).OrderBy(n => LinkCost(n, target)).ThenBy(n => n, StringComparer.Ordinal);
}
