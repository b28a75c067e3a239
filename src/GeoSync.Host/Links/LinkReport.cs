using GeoSync.Domain.Topology;
using GeoSync.Grains.Links;
using GeoSync.Persistence;

namespace GeoSync.Host.Links;

/// <summary>The answer of <c>GET /v1/links</c>: egress per link and UTC day, and per link over those days.</summary>
/// <param name="Currency">The currency of every cost; null when no link is priced.</param>
/// <param name="Since">The first UTC day reported.</param>
/// <param name="Days">Bytes and cost per day and link, by day, source and target.</param>
/// <param name="Totals">Bytes and cost per link over the days reported, by source and target.</param>
public sealed record LinkReport(string? Currency, DateOnly Since, IReadOnlyList<LinkDayTotal> Days, IReadOnlyList<LinkTotal> Totals);

/// <summary>Bytes copied over one link on one UTC day, and their cost at the link's price (null when unpriced).</summary>
public sealed record LinkDayTotal(DateOnly Day, string From, string To, long Bytes, decimal? Cost);

/// <summary>Bytes copied over one link over several days, and their cost at the link's price (null when unpriced).</summary>
public sealed record LinkTotal(string From, string To, long Bytes, decimal? Cost);

/// <summary>
/// Reads the durable egress totals, after adding this node's counts still in memory, and prices them at the
/// topology's current link prices.
/// </summary>
public sealed class LinkReportReader(LinkTraffic traffic, ILinkTrafficStore store, Grains.Regions.RegionDirectory regions, TimeProvider time)
{
    /// <summary>The longest span <c>GET /v1/links</c> reports.</summary>
    public const int MaxDays = 366;

    /// <summary>The last <paramref name="days"/> UTC days, today included.</summary>
    public async Task<LinkReport> ReadAsync(int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        await traffic.FlushAsync(cancellationToken).ConfigureAwait(false);
        DateOnly since = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1 - days);
        IReadOnlyList<LinkTrafficDay> rows = await store.ListAsync(since, cancellationToken).ConfigureAwait(false);
        LinkPrices prices = regions.Prices;
        LinkDayTotal[] perDay = [.. rows.Select(r => new LinkDayTotal(r.Day, r.From, r.To, r.Bytes, prices.CostOf(r.From, r.To, r.Bytes)))];
        LinkTotal[] totals =
        [
            .. rows.GroupBy(r => (r.From, r.To))
                .OrderBy(g => g.Key.From, StringComparer.Ordinal).ThenBy(g => g.Key.To, StringComparer.Ordinal)
                .Select(g => new LinkTotal(g.Key.From, g.Key.To, g.Sum(r => r.Bytes), prices.CostOf(g.Key.From, g.Key.To, g.Sum(r => r.Bytes)))),
        ];
        return new LinkReport(prices.Currency, since, perDay, totals);
    }
}
