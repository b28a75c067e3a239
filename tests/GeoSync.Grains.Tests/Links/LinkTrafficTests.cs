using GeoSync.Domain.Topology;
using GeoSync.Grains.Links;
using GeoSync.Grains.Regions;
using GeoSync.Persistence;

namespace GeoSync.Grains.Tests.Links;

/// <summary>Egress accounting in memory: copies add up per link and UTC day, and each flush is one write.</summary>
public sealed class LinkTrafficTests
{
    private static readonly DateTimeOffset Evening = new(2026, 3, 1, 23, 59, 0, TimeSpan.Zero);

    private static LinkTraffic Traffic(RecordingStore store, SetClock clock) =>
        new(store, new RegionDirectory([], (_, _) => 1, new LinkPrices("USD", [new Link("eu", "us", 1, OneWay: false, PricePerGiB: 0.02m)])), clock);

    [Fact]
    public async Task Flush_ManyCopies_OneWriteOfTotalsPerLinkAndDay()
    {
        var store = new RecordingStore();
        var clock = new SetClock { Now = Evening };
        LinkTraffic traffic = Traffic(store, clock);

        for (int i = 0; i < 1000; i++)
        {
            traffic.Record("eu", "us", 10);
        }

        traffic.Record("us", "ap", 5);
        traffic.Record("eu", "eu", 99);   // nothing crosses within a region
        traffic.Record("eu", "ap", 0);
        clock.Now = Evening.AddMinutes(2);   // past midnight UTC: another day's total
        traffic.Record("eu", "us", 7);
        await traffic.FlushAsync();

        IReadOnlyList<LinkTrafficDay> batch = Assert.Single(store.Batches);
        Assert.Equal(
            [new(new DateOnly(2026, 3, 1), "eu", "us", 10_000), new(new DateOnly(2026, 3, 1), "us", "ap", 5), new(new DateOnly(2026, 3, 2), "eu", "us", 7)],
            batch.OrderBy(b => b.Day).ThenBy(b => b.From, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Flush_StoreFails_TotalsKeptForTheNextFlush()
    {
        var store = new RecordingStore { Fail = true };
        LinkTraffic traffic = Traffic(store, new SetClock { Now = Evening });
        traffic.Record("eu", "us", 100);

        await Assert.ThrowsAsync<InvalidOperationException>(() => traffic.FlushAsync());
        store.Fail = false;
        traffic.Record("eu", "us", 1);
        await traffic.FlushAsync();
        await traffic.FlushAsync();   // nothing new: no write

        Assert.Equal([101L], store.Batches.Select(b => b.Sum(e => e.Bytes)));
    }

    private sealed class SetClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class RecordingStore : ILinkTrafficStore
    {
        public List<IReadOnlyList<LinkTrafficDay>> Batches { get; } = [];

        public bool Fail { get; set; }

        public Task AddAsync(IReadOnlyList<LinkTrafficDay> increments, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new InvalidOperationException("the database is down (test)");
            }

            Batches.Add([.. increments]);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<LinkTrafficDay>> ListAsync(DateOnly? since = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
