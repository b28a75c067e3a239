namespace GeoSync.Persistence.Tests;

public abstract partial class PersistenceContractTests
{
    private static readonly DateOnly Day1 = new(2026, 3, 1);

    [Fact]
    public async Task LinkTraffic_AddedInBatches_TotalsPerDayAndLinkAddUp()
    {
        await Db.LinkTraffic.AddAsync([new(Day1, "eu", "us", 100), new(Day1, "eu", "ap", 7)]);
        await Db.LinkTraffic.AddAsync([new(Day1, "eu", "us", 50), new(Day1.AddDays(1), "eu", "us", 3)]);
        await Db.LinkTraffic.AddAsync([]);

        Assert.Equal(
            [new(Day1, "eu", "ap", 7), new(Day1, "eu", "us", 150), new(Day1.AddDays(1), "eu", "us", 3)],
            await Db.LinkTraffic.ListAsync());
        Assert.Equal([new LinkTrafficDay(Day1.AddDays(1), "eu", "us", 3)], await Db.LinkTraffic.ListAsync(Day1.AddDays(1)));
    }

    [Fact]
    public async Task LinkTraffic_TwoHandles_AddToTheSameTotals()
    {
        GeoSyncDatabase other = await OpenAsync();

        await Task.WhenAll(
            Db.LinkTraffic.AddAsync([new(Day1, "eu", "us", 1L << 40)]),
            other.LinkTraffic.AddAsync([new(Day1, "eu", "us", 1L << 40)]));

        Assert.Equal([new LinkTrafficDay(Day1, "eu", "us", 2L << 40)], await Db.LinkTraffic.ListAsync());
    }
}
