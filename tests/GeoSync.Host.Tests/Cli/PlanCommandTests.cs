using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Host.Cli;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Cli;

/// <summary><c>geosync plan</c>, <c>geosync links</c> and the status summary's egress, against a running engine.</summary>
public sealed class PlanCommandTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new DigestJsonConverter() } };

    private static async Task<(int Exit, string Output, string Error)> RunAsync(EngineHarness harness, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await GeoSyncCli.RunAsync([.. args, "--topology", harness.TopologyPath, "--server", harness.BaseAddress.ToString()], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static Task<EngineHarness> StartAsync() => EngineHarness.StartAsync(
        ["eu", "us"],
        links: [("eu", "us", 10)],
        currency: "USD",
        prices: new Dictionary<(string From, string To), decimal> { [("eu", "us")] = 0.02m });

    [Fact]
    public async Task Plan_LostNotification_TablesOfRegionsLinksAndCopies_JsonIsThePlan()
    {
        await using EngineHarness harness = await StartAsync();
        byte[] layer = TestImage.Layer("cli-plan", 3 << 20);
        TestImage image = TestImage.Single("cli-plan", layer);
        await image.PushToAsync(harness.Store("eu").Inner, "team/cli", "v1");

        (int exit, string output, string error) = await RunAsync(harness, "plan", "team/cli:v1");

        Assert.True(exit == GeoSyncCli.Success, error + output);
        string[] lines = output.Split('\n');
        // The region's row: one manifest, two blobs (config and layer), one tag, the bytes and their cost.
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^│ us\s+│\s+1 │\s+2 │\s+1 │\s+3 MiB │\s+0\.000059 USD │"));
        Assert.Contains(lines, l => l.Contains("│ eu ", StringComparison.Ordinal) && l.Contains("0.02 USD/GiB", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(Digest.Compute(layer).Short, StringComparison.Ordinal) && l.Contains("│ blob ", StringComparison.Ordinal) && l.Contains("team/cli", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(image.Root.Digest.Short, StringComparison.Ordinal) && l.Contains("│ manifest ", StringComparison.Ordinal));
        Assert.Contains("A resync would copy 3 MiB over 1 link, costing 0.000059 USD over the priced ones. Nothing was written.", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output);

        (exit, output, error) = await RunAsync(harness, "plan", "team/cli", "--region", "us", "--json");

        Assert.True(exit == GeoSyncCli.Success, error + output);
        SyncPlan plan = JsonSerializer.Deserialize<SyncPlan>(output, Json)!;
        Assert.Equal(image.TotalBytes, plan.Bytes);
        Assert.Equal(Domain.Topology.LinkPrices.Cost(image.TotalBytes, 0.02m), plan.Cost);
        Assert.Equal(image.Blobs.Keys.Order(), Assert.Single(plan.Regions).Copies.Select(c => c.Digest).Order());
    }

    [Fact]
    public async Task Plan_UnknownRegion_Exit2NamingIt()
    {
        await using EngineHarness harness = await StartAsync();

        (int exit, _, string error) = await RunAsync(harness, "plan", "--region", "mars");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Contains("no region is named 'mars'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LinksAndStatus_AfterReplication_ShowEgressPerLink()
    {
        await using EngineHarness harness = await StartAsync();
        TestImage image = TestImage.Single("cli-links", TestImage.Layer("cli-links", 2 << 20));
        await harness.PushAsync("eu", "team/links", "v1", image);
        await harness.WaitForAsync("team/links", "v1", "Synced");

        (int exit, string output, string error) = await RunAsync(harness, "links", "--days", "2");

        Assert.True(exit == GeoSyncCli.Success, error + output);
        string[] rows = [.. output.Split('\n').Where(l => l.Contains("│ eu ", StringComparison.Ordinal) && l.Contains("│ us ", StringComparison.Ordinal))];
        Assert.Equal(2, rows.Length);   // the day's row and the total's
        Assert.All(rows, r => Assert.Contains("2 MiB", r, StringComparison.Ordinal));

        (exit, output, error) = await RunAsync(harness, "status");

        Assert.True(exit == GeoSyncCli.Success, error + output);
        Assert.Contains("egress today (UTC)", output, StringComparison.Ordinal);
        Assert.Contains(output.Split('\n'), l => l.Contains("│ eu ", StringComparison.Ordinal) && l.Contains("│ us ", StringComparison.Ordinal) && l.Contains("USD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Links_DaysOutOfRange_Exit2NamingTheOption()
    {
        await using EngineHarness harness = await StartAsync();

        (int exit, _, string error) = await RunAsync(harness, "links", "--days", "0");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Contains("--days 0", error, StringComparison.Ordinal);
    }
}
