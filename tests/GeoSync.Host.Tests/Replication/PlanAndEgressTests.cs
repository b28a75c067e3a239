using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Host.Links;
using GeoSync.Host.Planning;
using GeoSync.Host.Tests.Support;
using GeoSync.Persistence;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

/// <summary>
/// <c>geosync plan</c> against the resync that follows, and the link egress accounting, end to end on filesystem
/// regions. The links make every source choice certain: <c>src</c> pushes and targets <c>near</c> and <c>far</c>;
/// <c>far</c> is nearer to <c>alt</c> (not a target) than to <c>src</c>, and <c>near</c> is the dearest source for
/// <c>far</c>, so what <c>near</c> receives during the sync never changes where <c>far</c> copies from.
/// </summary>
public sealed class PlanAndEgressTests
{
    private static readonly (string From, string To, int Cost)[] Links =
    [
        ("src", "near", 10), ("src", "far", 20), ("alt", "far", 5), ("near", "far", 30), ("alt", "near", 50),
    ];

    private static readonly Dictionary<(string From, string To), decimal> Prices = new()
    {
        [("src", "near")] = 0.02m,
        [("src", "far")] = 0.09m,
        [("alt", "far")] = 0.01m,
    };

    private static readonly HarnessRule Rule = new() { Sources = ["src"], Targets = ["near", "far"] };

    private static Task<EngineHarness> StartAsync() =>
        EngineHarness.StartAsync(["src", "near", "far", "alt"], Rule, Links, currency: "USD", prices: Prices);

    /// <summary>An image of two layers whose second layer <c>alt</c> already holds (pushed there earlier, say).</summary>
    private static async Task<(TestImage Image, Digest HeldInAlt)> ImageWithALayerInAltAsync(EngineHarness harness, string name)
    {
        byte[] shared = TestImage.Layer($"{name}-shared", 300_000);
        TestImage image = TestImage.Single(name, TestImage.Layer($"{name}-own", 200_000), shared);
        Digest held = Digest.Compute(shared);
        await harness.Store("alt").Inner.WriteBlobAsync(held, new MemoryStream(shared), shared.Length);
        return (image, held);
    }

    [Fact]
    public async Task Plan_ThenResync_ResyncCopiesExactlyThePlannedBlobsFromThePlannedSources()
    {
        await using EngineHarness harness = await StartAsync();
        (TestImage image, Digest heldInAlt) = await ImageWithALayerInAltAsync(harness, "planned");
        // The notification was lost: only the source's store has the image, and GeoSync knows nothing of it.
        await image.PushToAsync(harness.Store("src").Inner, "team/planned", "v1");

        SyncPlan plan = await harness.Client.PlanAsync(new PlanRequest("team/planned", null, null));

        // The plan names every blob each target lacks, once, and where it would come from.
        Assert.Equal(["far", "near"], plan.Regions.Select(r => r.Region));
        RegionSyncPlan near = plan.Regions.Single(r => r.Region == "near");
        RegionSyncPlan far = plan.Regions.Single(r => r.Region == "far");
        Assert.Equal(image.Blobs.Keys.Order(), near.Copies.Select(c => c.Digest).Order());
        Assert.All(near.Copies, c => Assert.Equal("src", c.Source));
        Assert.Equal(image.Blobs.Keys.Order(), far.Copies.Select(c => c.Digest).Order());
        Assert.Equal("alt", far.Copies.Single(c => c.Digest == heldInAlt).Source);
        Assert.All(far.Copies.Where(c => c.Digest != heldInAlt), c => Assert.Equal("src", c.Source));
        Assert.Equal([image.Root.Digest], near.Manifests.Select(m => m.Digest));
        Assert.Equal([new PlannedTag("team/planned", "v1", image.Root.Digest)], near.Tags);
        Assert.Equal(image.TotalBytes, near.Bytes);
        Assert.Equal("USD", plan.Currency);
        Assert.Equal(
            [("alt", 300_000L, 0.01m), ("src", image.TotalBytes - 300_000, 0.09m)],
            far.Links.Select(l => (l.From, l.Bytes, l.PricePerGiB!.Value)));

        // Nothing was written: no blob, link or tag in any store, no status, no egress, nothing in the inbox.
        foreach (string region in harness.RegionNames)
        {
            Assert.Equal(0, harness.Store(region).LastMutationTimestamp);
        }

        Assert.Null(await harness.Store("near").Inner.ReadTagAsync(RepositoryName.Parse("team/planned"), Tag.Parse("v1")));
        Assert.Null(await harness.Database.RepositoryStatus.FindAsync("team/planned"));
        Assert.Empty(await harness.Database.LinkTraffic.ListAsync());
        Assert.Empty(await harness.Database.Inbox.ListRepositoriesWithPendingAsync());

        await harness.ResyncAsync("team/planned", null);
        await harness.WaitForAsync("team/planned", "v1", "Synced", ["near", "far"]);

        foreach (RegionSyncPlan planned in plan.Regions)
        {
            InstrumentedRegionStore store = harness.Store(planned.Region);
            Assert.Equal(planned.Copies.ToDictionary(c => c.Digest, c => c.Size), store.BytesWritten);
            Assert.Equal(planned.Copies.ToDictionary(c => c.Digest, c => c.Source), store.CopiedFrom);
            Assert.Equal(planned.Bytes, store.TotalBytesWritten);
        }

        // The egress the sync counted is what the plan said it would be, link by link, cost included.
        LinkReport links = await harness.Client.GetLinksAsync(days: 2);
        Assert.Equal(
            plan.Regions.SelectMany(r => r.Links).Select(l => (l.From, l.To, l.Bytes, l.Cost)).OrderBy(l => l.From).ThenBy(l => l.To),
            links.Totals.Select(l => (l.From, l.To, l.Bytes, l.Cost)));
    }

    [Fact]
    public async Task Plan_RegionHoldingEverything_PlansNothingThere()
    {
        await using EngineHarness harness = await StartAsync();
        TestImage image = TestImage.Single("held", TestImage.Layer("held", 4096));
        await harness.PushAsync("src", "team/held", "v1", image);
        await harness.WaitForAsync("team/held", "v1", "Synced", ["near", "far"]);

        SyncPlan plan = await harness.Client.PlanAsync(new PlanRequest("team/held", "v1", "far"));

        RegionSyncPlan far = Assert.Single(plan.Regions);
        Assert.Equal("far", far.Region);
        Assert.Empty(far.Copies);
        Assert.Empty(far.Manifests);
        Assert.Empty(far.Tags);
        Assert.Equal(0, plan.Bytes);
    }

    [Theory]
    [InlineData("""{"region":"mars"}""", "region", "no region is named 'mars'")]
    [InlineData("""{"repository":"Bad/Name"}""", "repository", "Bad/Name")]
    [InlineData("""{"repository":"team/x","tag":"-bad"}""", "tag", "-bad")]
    public async Task Plan_BadInput_400ProblemNamingTheField(string body, string field, string reason)
    {
        await using EngineHarness harness = await StartAsync();

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await harness.Http.PostAsync("v1/plan", content);
        string problem = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"field\":\"{field}\"", problem, StringComparison.Ordinal);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replication_TwoSources_LinkBytesEqualTheBytesWrittenPerTargetRegion()
    {
        await using EngineHarness harness = await StartAsync();
        (TestImage image, Digest heldInAlt) = await ImageWithALayerInAltAsync(harness, "pushed");

        await harness.PushAsync("src", "team/pushed", "v1", image);
        await harness.WaitForAsync("team/pushed", "v1", "Synced", ["near", "far"]);

        LinkReport report = await harness.Client.GetLinksAsync(days: 2);
        foreach (string target in new[] { "near", "far" })
        {
            Assert.Equal(harness.Store(target).TotalBytesWritten, report.Totals.Where(l => l.To == target).Sum(l => l.Bytes));
        }

        // far's copies came over two links, priced each at its own price.
        Assert.Equal(
            [("alt", "far", 300_000L), ("src", "far", image.TotalBytes - 300_000), ("src", "near", image.TotalBytes)],
            report.Totals.Select(l => (l.From, l.To, l.Bytes)));
        Assert.Equal(Domain.Topology.LinkPrices.Cost(300_000, 0.01m), report.Totals[0].Cost);
        Assert.Equal(300_000, harness.Store("far").BytesWritten[heldInAlt]);

        // The totals are in the database per UTC day, and in the metrics per link.
        IReadOnlyList<LinkTrafficDay> rows = await harness.Database.LinkTraffic.ListAsync();
        Assert.Equal(image.TotalBytes * 2, rows.Sum(r => r.Bytes));
        string metrics = await harness.Http.GetStringAsync("metrics");
        Assert.Contains("from=\"alt\"", metrics.Split('\n').Single(l => l.StartsWith("geosync_link_bytes", StringComparison.Ordinal) && l.Contains("to=\"far\"", StringComparison.Ordinal) && l.Contains("from=\"alt\"", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("geosync_link_cost", StringComparison.Ordinal) && l.Contains("currency=\"USD\"", StringComparison.Ordinal));
    }
}
