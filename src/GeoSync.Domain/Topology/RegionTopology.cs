using System.Diagnostics.CodeAnalysis;
using GeoSync.Domain.Topology.Parsing;

namespace GeoSync.Domain.Topology;

/// <summary>
/// A validated topology: the engine settings, the regions with their stores, registries and webhooks, the links
/// that price copies between regions, and the replication rules, with the queries the engine asks of them.
/// Immutable; <c>defaults</c> have already flowed into every region, rule and webhook. Build one with
/// <see cref="Parse"/> (named <c>RegionTopology</c> because a type named like its namespace hides it).
/// </summary>
public sealed class RegionTopology
{
    /// <summary>The topology file version this build reads.</summary>
    public const int CurrentVersion = 1;

    private readonly Dictionary<string, Region> regionsByName;
    private readonly Dictionary<(string From, string To), int> linkCosts;

    /// <summary>Assembles a topology from parts that are already valid; use <see cref="Parse"/> for files.</summary>
    public RegionTopology(
        string file,
        EngineSettings engine,
        TopologyDefaults defaults,
        IReadOnlyList<Region> regions,
        IReadOnlyList<Link> links,
        IReadOnlyList<Rule> rules)
    {
        File = file;
        Engine = engine;
        Defaults = defaults;
        Regions = regions;
        Links = links;
        Rules = rules;
        Prices = new LinkPrices(defaults.Currency, links);
        regionsByName = regions.ToDictionary(r => r.Name, StringComparer.Ordinal);
        linkCosts = [];
        foreach (Link link in links)
        {
            linkCosts[(link.From, link.To)] = link.Cost;
            if (!link.OneWay)
            {
                linkCosts.TryAdd((link.To, link.From), link.Cost);
            }
        }
    }

    /// <summary>The file the topology was read from (as given to <see cref="Parse"/>).</summary>
    public string File { get; }

    /// <summary>The file format version.</summary>
    public int Version => CurrentVersion;

    /// <summary>How the engine runs.</summary>
    public EngineSettings Engine { get; }

    /// <summary>The defaults as written (already applied to regions, rules and webhooks).</summary>
    public TopologyDefaults Defaults { get; }

    /// <summary>The regions, in file order.</summary>
    public IReadOnlyList<Region> Regions { get; }

    /// <summary>The links, in file order.</summary>
    public IReadOnlyList<Link> Links { get; }

    /// <summary>What a GiB crossing each link costs, from the links' <c>pricePerGiB</c> and <c>defaults.currency</c>.</summary>
    public LinkPrices Prices { get; }

    /// <summary>The rules, in file order (earlier rules win when two select the same target).</summary>
    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>Every webhook of every region.</summary>
    public IEnumerable<(Region Region, Webhook Webhook)> Webhooks => Regions.SelectMany(r => r.Webhooks, (r, w) => (r, w));

    /// <summary>Parses and validates a topology; throws <see cref="TopologyValidationException"/> listing every error.</summary>
    /// <param name="fileName">Named in every error; no file is read.</param>
    /// <param name="json">The file's text.</param>
    public static RegionTopology Parse(string fileName, string json) => TopologyParser.Parse(fileName, json);

    /// <summary>The region named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> if there is none.</summary>
    public Region Region(string name) =>
        TryGetRegion(name, out Region? region) ? region : throw new KeyNotFoundException($"the topology {File} has no region '{name}'");

    /// <summary>Looks up a region by name.</summary>
    public bool TryGetRegion(string name, [NotNullWhen(true)] out Region? region) => regionsByName.TryGetValue(name, out region);

    /// <summary>
    /// The cost of copying from <paramref name="from"/> into <paramref name="to"/>: 0 within a region, the cost of a
    /// link that covers that direction, otherwise <see cref="TopologyDefaults.LinkCost"/>.
    /// </summary>
    public int LinkCost(string from, string to)
    {
        _ = Region(from);
        _ = Region(to);
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return 0;
        }

        return linkCosts.TryGetValue((from, to), out int cost) ? cost : Defaults.LinkCost;
    }

    /// <summary>The rules that take events from <paramref name="sourceRegion"/> for <paramref name="repository"/>, in file order.</summary>
    public IReadOnlyList<Rule> RulesFor(string sourceRegion, string repository) =>
        Rules.Where(r => r.HasSource(sourceRegion) && r.MatchesRepository(repository)).ToArray();

    /// <summary>
    /// Where a push of <paramref name="repository"/>:<paramref name="tag"/> in <paramref name="sourceRegion"/> must
    /// go: each target region once (never the source), in the regions' file order, with the first rule in file order
    /// that selects it.
    /// </summary>
    public IReadOnlyList<ReplicationTarget> TargetsFor(string sourceRegion, string repository, string tag)
    {
        var chosen = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (Rule rule in RulesFor(sourceRegion, repository))
        {
            if (!rule.MatchesTag(tag))
            {
                continue;
            }

            foreach (string target in rule.TargetsFrom(sourceRegion))
            {
                chosen.TryAdd(target, rule);
            }
        }

        return Regions
            .Where(r => chosen.ContainsKey(r.Name))
            .Select(r => new ReplicationTarget(r, chosen[r.Name]))
            .ToArray();
    }

    /// <summary>
    /// Every secret the topology references, with where it is used (e.g. <c>region eu-west notificationToken</c>), so
    /// a host can resolve them all at start and fail on the first run, not on the first event.
    /// </summary>
    public IEnumerable<(string Usage, SecretReference Reference)> SecretReferences()
    {
        if (Engine.StatusToken is { } statusToken)
        {
            yield return ("engine statusToken", statusToken);
        }

        if (Engine.Persistence.ConnectionStringSecret is { } database)
        {
            yield return ("engine persistence connectionString", database);
        }

        foreach (Region region in Regions)
        {
            if (region.Store is AzureStoreSettings azure)
            {
                yield return ($"region {region.Name} store connectionString", azure.ConnectionString);
            }

            if (region.Store is RegistryStoreSettings { Credentials: { } credentials })
            {
                yield return ($"region {region.Name} store credentials password", credentials.Password);
            }

            if (region.Registry.NotificationToken is { } token)
            {
                yield return ($"region {region.Name} notificationToken", token);
            }

            foreach (Webhook webhook in region.Webhooks)
            {
                foreach (SecretReference secret in webhook.Secrets)
                {
                    yield return ($"webhook {webhook.Name} secret", secret);
                }
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{File}: {Count(Regions.Count, "region")}, {Count(Links.Count, "link")}, {Count(Rules.Count, "rule")}, " +
        $"{Count(Webhooks.Count(), "webhook")}, {Engine.Persistence.Provider.ToString().ToLowerInvariant()} persistence";

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
