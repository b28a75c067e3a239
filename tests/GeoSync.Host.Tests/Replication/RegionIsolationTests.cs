using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

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

    [Fact]
    public async Task LargeImageTransferring_RegionsOtherSyncsGoOn()
    {
        // One sync slot and one transfer slot per region: a sync that kept its slot while its blobs transfer would
        // hold every other image of the region behind it.
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"], concurrency: 1);
        byte[] large = TestImage.Layer("isolation-large", 256 * 1024);
        TestImage slow = TestImage.Single("slow", large);
        HeldWrite hold = harness.Store("us").Hold(GeoSync.Domain.Content.Digest.Compute(large));
        try
        {
            await harness.PushAsync("eu", "team/slow", "v1", slow);
            await hold.Reached.Task.WaitAsync(TimeSpan.FromSeconds(15));

            // An image whose blobs us already holds needs no transfer, only links and the tag: a sync slot.
            TestImage quick = TestImage.Single("quick", TestImage.Layer("isolation-quick", 4096));
            await quick.PushToAsync(harness.Store("us").Inner, "seed/quick", "v0");
            await harness.PushAsync("eu", "team/quick", "v1", quick);
            await harness.WaitForAsync("team/quick", "v1", "Synced", timeout: TimeSpan.FromSeconds(15));
            Assert.NotEqual("Synced", (await harness.StatusAsync("team/slow")).Tags.Single().Regions.Single(r => r.Region == "us").State);
        }
        finally
        {
            hold.Released.TrySetResult();
        }

        await harness.WaitForAsync("team/slow", "v1", "Synced", timeout: TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Push_SourceRegionAlreadyHoldsTheTag_SyncedWithoutPlanning()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage image = TestImage.Single("at-source", TestImage.Layer("at-source", 4096));
        await harness.PushAsync("eu", "team/source", "v1", image);
        await harness.WaitForAsync("team/source", "v1", "Synced");

        // Each target's plan looks for referrers in the source repository; the source itself only reads its tag.
        Assert.Equal(2, harness.Store("eu").RevisionListings);
        Assert.Equal(0, harness.Store("eu").TotalBytesWritten);
    }
}
