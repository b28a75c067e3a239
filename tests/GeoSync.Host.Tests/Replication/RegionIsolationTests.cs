using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;

namespace GeoSync.Host.Tests.Replication;

public sealed class RegionIsolationTests
{
    [Fact]
    public async Task UnreachableRegion_DelaysOnlyItself_AndCatchesUpWhenBack()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        harness.Store("ap").Down = true;
        TestImage image = TestImage.Single("iso", TestImage.Layer("isolated", 64 * 1024));
        await harness.PushAsync("eu", "team/iso", "v1", image);

        // eu and us are Synced while ap is down; status says why ap is not.
        await harness.WaitForAsync("team/iso", "v1", "Synced", ["eu", "us"], timeout: TimeSpan.FromSeconds(15));
        await Testing.Eventually.HoldsAsync(
            async () => (await harness.StatusAsync("team/iso")).Tags.Single().Regions.Single(r => r.Region == "ap") is { State: "Failed", LastError: not null },
            TimeSpan.FromSeconds(15),
            "ap reported Failed with its error");
        RegionStatus ap = (await harness.StatusAsync("team/iso")).Tags.Single().Regions.Single(r => r.Region == "ap");
        Assert.Contains("unreachable", ap.LastError);
        Assert.NotNull(ap.NextAttemptAt);

        harness.Store("ap").Down = false;
        await harness.WaitForAsync("team/iso", "v1", "Synced", ["ap"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(await new Holding.TagAt("ap", "team/iso", "v1", image.Root.Digest).IsHeldAsync(harness.Store("ap").Inner));
    }
}
