using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Replication;

/// <summary>The egress arithmetic the plan and the link accounting share: bytes at a price per GiB.</summary>
public sealed class EgressCostTests
{
    [Theory]
    [InlineData(1L << 30, "0.02", "0.02")]               // one GiB at the price
    [InlineData(512L << 20, "0.02", "0.01")]             // half a GiB
    [InlineData(10L << 30, "0.085", "0.85")]
    [InlineData(0L, "0.09", "0")]
    [InlineData(1L << 30, "0", "0")]                      // a free link
    [InlineData(1_000_000_000L, "0.02", "0.018626")]     // 10^9 bytes are not a GiB: 0.0186264514...
    [InlineData(1024L, "0.02", "0.000000")]              // below the sixth decimal
    [InlineData(5L << 40, "0.05", "256")]                // 5 TiB
    public void Cost_BytesAtPricePerGiB_IsRoundedToSixDecimals(long bytes, string price, string expected)
    {
        decimal cost = LinkPrices.Cost(bytes, decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), cost);
    }

    [Fact]
    public void CostOf_UnpricedOrSameRegion_IsNull_PricedIsTheLinksCost()
    {
        var prices = new LinkPrices("USD", [new Link("eu", "us", 10, OneWay: true, PricePerGiB: 0.02m), new Link("us", "ap", 20, OneWay: false)]);

        Assert.Equal(0.04m, prices.CostOf("eu", "us", 2L << 30));
        Assert.Null(prices.CostOf("us", "eu", 2L << 30));   // one way
        Assert.Null(prices.CostOf("us", "ap", 2L << 30));   // a link without a price
        Assert.Null(prices.CostOf("eu", "eu", 2L << 30));
        Assert.Equal("USD", prices.Currency);
    }
}
