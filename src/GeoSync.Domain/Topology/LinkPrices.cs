namespace GeoSync.Domain.Topology;

/// <summary>
/// What bytes crossing each link cost (the links' <c>pricePerGiB</c>, in the topology's <c>defaults.currency</c>): the
/// arithmetic the plan and the egress accounting share. A direction no priced link covers has no price.
/// </summary>
public sealed class LinkPrices
{
    /// <summary>Bytes in a GiB (2^30), the unit prices are quoted in.</summary>
    public const long BytesPerGiB = 1L << 30;

    /// <summary>Decimal places costs are rounded to: far below any currency's smallest coin.</summary>
    public const int CostDecimals = 6;

    private readonly Dictionary<(string From, string To), decimal> _perGiB;

    public LinkPrices(string? currency, IEnumerable<Link> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        Currency = currency;
        _perGiB = [];
        foreach (Link link in links.Where(l => l.PricePerGiB is not null))
        {
            _perGiB[(link.From, link.To)] = link.PricePerGiB!.Value;
            if (!link.OneWay)
            {
                _perGiB.TryAdd((link.To, link.From), link.PricePerGiB.Value);
            }
        }
    }

    /// <summary>No link priced.</summary>
    public static LinkPrices None { get; } = new(null, []);

    /// <summary>The ISO 4217 code of every price and cost; null when nothing is priced.</summary>
    public string? Currency { get; }

    /// <summary>The price of a GiB copied from <paramref name="from"/> into <paramref name="to"/>, or null when unpriced.</summary>
    public decimal? PricePerGiB(string from, string to) =>
        from != to && _perGiB.TryGetValue((from, to), out decimal price) ? price : null;

    /// <summary>What <paramref name="bytes"/> copied from <paramref name="from"/> into <paramref name="to"/> cost, or null when unpriced.</summary>
    public decimal? CostOf(string from, string to, long bytes) =>
        PricePerGiB(from, to) is decimal price ? Cost(bytes, price) : null;

    /// <summary><paramref name="bytes"/> at <paramref name="pricePerGiB"/>, rounded to <see cref="CostDecimals"/> places.</summary>
    public static decimal Cost(long bytes, decimal pricePerGiB) =>
        Math.Round(bytes * pricePerGiB / BytesPerGiB, CostDecimals, MidpointRounding.AwayFromZero);
}
