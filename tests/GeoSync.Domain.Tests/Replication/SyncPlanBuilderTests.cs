using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Replication;

/// <summary>How a plan adds up: each digest once per region, bytes and cost per link, totals over links.</summary>
public sealed class SyncPlanBuilderTests
{
    private static readonly LinkPrices Prices = new("USD", [
        new Link("eu", "us", 10, OneWay: false, PricePerGiB: 0.02m),
        new Link("us", "ap", 10, OneWay: false, PricePerGiB: 0.08m),
        new Link("eu", "ap", 50, OneWay: false),
    ]);

    private static Digest D(string name) => Digest.Compute(System.Text.Encoding.UTF8.GetBytes(name));

    [Fact]
    public void Build_CopiesOverSeveralLinks_BytesAndCostPerLinkAndInTotal()
    {
        var builder = new SyncPlanBuilder();
        builder.Copy("us", new PlannedCopy("team/a", D("layer"), 1L << 30, Manifest: false, "eu"));
        builder.Copy("us", new PlannedCopy("team/a", D("config"), 1L << 29, Manifest: false, "eu"));
        builder.Copy("ap", new PlannedCopy("team/a", D("layer"), 1L << 30, Manifest: false, "us"));
        builder.Copy("ap", new PlannedCopy("team/a", D("config"), 1L << 29, Manifest: false, "eu"));   // an unpriced link

        SyncPlan plan = builder.Build(Prices);

        RegionSyncPlan us = plan.Regions.Single(r => r.Region == "us");
        Assert.Equal([new LinkEgress("eu", "us", 3L << 29, 0.02m, 0.03m)], us.Links);
        Assert.Equal(0.03m, us.Cost);
        RegionSyncPlan ap = plan.Regions.Single(r => r.Region == "ap");
        Assert.Equal([new LinkEgress("eu", "ap", 1L << 29, null, null), new LinkEgress("us", "ap", 1L << 30, 0.08m, 0.08m)], ap.Links);
        Assert.Equal(0.08m, ap.Cost);   // the priced links only
        Assert.Equal((3L << 29) + (3L << 29), plan.Bytes);
        Assert.Equal(0.11m, plan.Cost);
        Assert.Equal("USD", plan.Currency);
        Assert.Equal(["ap", "us"], plan.Regions.Select(r => r.Region));
    }

    [Fact]
    public void Copy_SameDigestTwiceInARegion_CountedOnce_ButOncePerRepositoryWhenPutWhole()
    {
        var builder = new SyncPlanBuilder();
        Assert.True(builder.Copy("us", new PlannedCopy("team/a", D("shared"), 100, Manifest: false, "eu")));
        Assert.False(builder.Copy("us", new PlannedCopy("team/b", D("shared"), 100, Manifest: false, "eu")));
        Assert.True(builder.Copy("ap", new PlannedCopy("team/b", D("shared"), 100, Manifest: false, "eu")));   // another region
        Assert.True(builder.Copy("us", new PlannedCopy("team/a", D("manifest"), 10, Manifest: true, "eu"), perRepository: true));
        Assert.True(builder.Copy("us", new PlannedCopy("team/b", D("manifest"), 10, Manifest: true, "eu"), perRepository: true));
        Assert.False(builder.Copy("us", new PlannedCopy("team/b", D("manifest"), 10, Manifest: true, "eu"), perRepository: true));

        SyncPlan plan = builder.Build(Prices);

        Assert.Equal(120, plan.Regions.Single(r => r.Region == "us").Bytes);
        Assert.Equal(100, plan.Regions.Single(r => r.Region == "ap").Bytes);
    }

    [Fact]
    public void Build_NamedRegionLackingNothing_AppearsEmptyAndUnpriced()
    {
        var builder = new SyncPlanBuilder();
        builder.Region("us");

        SyncPlan plan = builder.Build(LinkPrices.None);

        RegionSyncPlan us = Assert.Single(plan.Regions);
        Assert.Equal(0, us.Bytes);
        Assert.Empty(us.Links);
        Assert.Null(us.Cost);
        Assert.Null(plan.Cost);
        Assert.Null(plan.Currency);
    }
}
