using GeoSync.Domain.Content;
using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Replication;

/// <summary>
/// What a sync would do, without doing it (<c>geosync plan</c>): per target region the manifests and blobs it lacks,
/// where each blob would come from, and the bytes and egress cost per link.
/// </summary>
/// <param name="Regions">Every planned target region, by name.</param>
/// <param name="Currency">The currency of every cost; null when no link is priced.</param>
/// <param name="Bytes">Bytes that would cross, over all regions.</param>
/// <param name="Cost">What they would cost over the priced links; null when none of them is priced.</param>
public sealed record SyncPlan(IReadOnlyList<RegionSyncPlan> Regions, string? Currency, long Bytes, decimal? Cost);

/// <summary>What one target region lacks.</summary>
/// <param name="Region">The target region.</param>
/// <param name="Manifests">Manifests the region's repositories do not link yet (their bytes cross only when the region's store lacks them).</param>
/// <param name="Copies">Every blob (and manifest) whose bytes would cross into the region, with its source; each digest once.</param>
/// <param name="Tags">Tags that would be pointed, last.</param>
/// <param name="Bytes">Bytes that would cross into the region.</param>
/// <param name="Links">Bytes and cost per link the copies would use, by source.</param>
/// <param name="Cost">The sum of the priced links' costs; null when none of them is priced.</param>
/// <param name="Problems">Images that could not be planned for the region (<c>repository:tag: reason</c>), as a sync would fail on them.</param>
public sealed record RegionSyncPlan(
    string Region,
    IReadOnlyList<PlannedManifest> Manifests,
    IReadOnlyList<PlannedCopy> Copies,
    IReadOnlyList<PlannedTag> Tags,
    long Bytes,
    IReadOnlyList<LinkEgress> Links,
    decimal? Cost,
    IReadOnlyList<string> Problems);

/// <summary>A manifest a region's repository would link.</summary>
public sealed record PlannedManifest(string Repository, Digest Digest, string MediaType, long Size);

/// <summary>Bytes that would cross into a region: a config, layer or manifest, from <paramref name="Source"/>.</summary>
/// <param name="Repository">The repository it is copied for (the first that needs it).</param>
/// <param name="Digest">The content.</param>
/// <param name="Size">Its size: the bytes that cross.</param>
/// <param name="Manifest">True for a manifest's bytes, false for a config or layer.</param>
/// <param name="Source">The region it would be copied from, chosen by link cost as a sync chooses it.</param>
public sealed record PlannedCopy(string Repository, Digest Digest, long Size, bool Manifest, string Source);

/// <summary>A tag a region's repository would point at <paramref name="Digest"/>.</summary>
public sealed record PlannedTag(string Repository, string Tag, Digest Digest);

/// <summary>Bytes over one link, and what they cost at its price.</summary>
/// <param name="From">The source region.</param>
/// <param name="To">The target region.</param>
/// <param name="Bytes">Bytes that cross.</param>
/// <param name="PricePerGiB">The link's price, or null when unpriced.</param>
/// <param name="Cost">The cost of <paramref name="Bytes"/>, or null when unpriced.</param>
public sealed record LinkEgress(string From, string To, long Bytes, decimal? PricePerGiB, decimal? Cost)
{
    /// <summary>The bytes of one link at its price in <paramref name="prices"/>.</summary>
    public static LinkEgress Of(string from, string to, long bytes, LinkPrices prices) =>
        new(from, to, bytes, prices.PricePerGiB(from, to), prices.CostOf(from, to, bytes));

    /// <summary>The sum of the priced costs of <paramref name="links"/>; null when none is priced.</summary>
    public static decimal? Total(IEnumerable<LinkEgress> links)
    {
        decimal?[] priced = [.. links.Select(l => l.Cost).Where(c => c is not null)];
        return priced.Length == 0 ? null : priced.Sum();
    }
}

/// <summary>
/// Collects what each region lacks, image after image, as a sync would meet them: a digest crosses into a region
/// once however many repositories and tags need it (as a blob's replicator makes it), and the totals follow.
/// </summary>
public sealed class SyncPlanBuilder
{
    private readonly SortedDictionary<string, RegionEntries> _regions = new(StringComparer.Ordinal);

    /// <summary>Names a target region, so that a region lacking nothing appears in the plan too.</summary>
    public void Region(string region) => Entries(region);

    /// <summary>A manifest <paramref name="repository"/> in <paramref name="region"/> would link.</summary>
    public void Manifest(string region, string repository, Descriptor manifest)
    {
        RegionEntries entries = Entries(region);
        if (entries.ManifestKeys.Add((repository, manifest.Digest)))
        {
            entries.Manifests.Add(new PlannedManifest(repository, manifest.Digest, manifest.MediaType, manifest.Size));
        }
    }

    /// <summary>
    /// Bytes that would cross into <paramref name="region"/>; false when they are planned there already. A blob crosses
    /// once per region; <paramref name="perRepository"/>: once per repository (a manifest put whole into a registry).
    /// </summary>
    public bool Copy(string region, PlannedCopy copy, bool perRepository = false)
    {
        ArgumentNullException.ThrowIfNull(copy);
        RegionEntries entries = Entries(region);
        if (!entries.CopyKeys.Add((perRepository ? copy.Repository : null, copy.Digest)))
        {
            return false;
        }

        entries.Copies.Add(copy);
        return true;
    }

    /// <summary>True when <paramref name="digest"/> is planned to cross into <paramref name="region"/> once per region already.</summary>
    public bool Copies(string region, Digest digest) => _regions.TryGetValue(region, out RegionEntries? entries) && entries.CopyKeys.Contains((null, digest));

    /// <summary>An image that could not be planned for <paramref name="region"/>.</summary>
    public void Problem(string region, string problem) => Entries(region).Problems.Add(problem);

    /// <summary>A tag that would be pointed.</summary>
    public void Tag(string region, string repository, string tag, Digest digest) => Entries(region).Tags.Add(new PlannedTag(repository, tag, digest));

    /// <summary>The plan, with bytes and costs per link at <paramref name="prices"/>.</summary>
    public SyncPlan Build(LinkPrices prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var regions = new List<RegionSyncPlan>();
        foreach ((string region, RegionEntries entries) in _regions)
        {
            LinkEgress[] links =
            [
                .. entries.Copies
                    .GroupBy(c => c.Source, StringComparer.Ordinal)
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => LinkEgress.Of(g.Key, region, g.Sum(c => c.Size), prices)),
            ];
            regions.Add(new RegionSyncPlan(region, entries.Manifests, entries.Copies, entries.Tags, links.Sum(l => l.Bytes), links, LinkEgress.Total(links), entries.Problems));
        }

        return new SyncPlan(regions, prices.Currency, regions.Sum(r => r.Bytes), LinkEgress.Total(regions.SelectMany(r => r.Links)));
    }

    private RegionEntries Entries(string region)
    {
        if (!_regions.TryGetValue(region, out RegionEntries? entries))
        {
            _regions[region] = entries = new RegionEntries();
        }

        return entries;
    }

    private sealed class RegionEntries
    {
        public List<PlannedManifest> Manifests { get; } = [];

        public HashSet<(string, Digest)> ManifestKeys { get; } = [];

        public List<PlannedCopy> Copies { get; } = [];

        public HashSet<(string?, Digest)> CopyKeys { get; } = [];

        public List<PlannedTag> Tags { get; } = [];

        public List<string> Problems { get; } = [];
    }
}
