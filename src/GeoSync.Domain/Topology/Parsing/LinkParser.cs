using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads one entry of <c>links</c>; both ends must be known regions.</summary>
internal static class LinkParser
{
    public static Link? Parse(TopologyReader reader, JsonElement element, string path, RegionNames regions)
    {
        ObjectFields? link = reader.Object(element, path, TopologyShapes.Link);
        if (link is null)
        {
            return null;
        }

        string? from = link.Read("from", regions.Reference, required: true);
        string? to = link.Read("to", regions.Reference, required: true);
        int? cost = link.Int32("cost", 0, required: true);
        bool oneWay = link.Boolean("oneWay") ?? false;
        decimal? price = link.NonNegativeNumber("pricePerGiB");
        if (from is not null && string.Equals(from, to, StringComparison.Ordinal))
        {
            reader.Error(link.PathOf("to"), $"a link joins two different regions; both ends are '{from}'");
            return null;
        }

        return from is null || to is null || cost is null ? null : new Link(from, to, cost.Value, oneWay, price);
    }

    /// <summary>Rejects every price of a topology without a currency to read them in.</summary>
    public static void CheckCurrency(TopologyReader reader, IReadOnlyList<(Link Link, string Path)> links)
    {
        foreach ((Link link, string path) in links.Where(l => l.Link.PricePerGiB is not null))
        {
            reader.Error(TopologyReader.Child(path, "pricePerGiB"), "a price needs a currency: set $.defaults.currency to an ISO 4217 code such as \"USD\"");
        }
    }

    /// <summary>Rejects a link that prices a direction an earlier link already prices.</summary>
    public static void CheckDuplicates(TopologyReader reader, IReadOnlyList<(Link Link, string Path)> links)
    {
        var priced = new Dictionary<(string, string), string>();
        foreach ((Link link, string path) in links)
        {
            var directions = link.OneWay ? new[] { (link.From, link.To) } : [(link.From, link.To), (link.To, link.From)];
            foreach ((string from, string to) in directions)
            {
                if (priced.TryGetValue((from, to), out string? earlier))
                {
                    reader.Error(path, $"duplicate link: {from} → {to} is already priced by {earlier}");
                    break;
                }
            }

            foreach ((string, string) direction in directions)
            {
                priced.TryAdd(direction, path);
            }
        }
    }
}
