using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

public sealed class MultiMasterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SameTagPushedInTwoRegions_EveryRegionConvergesOnTheLaterPush(bool laterArrivesFirst)
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage early = TestImage.Single("early", TestImage.Layer("mm-early", 3000));
        TestImage late = TestImage.Single("late", TestImage.Layer("mm-late", 3000));
        DateTimeOffset t = DateTimeOffset.UtcNow;

        // eu pushes first (by registry time), us later; notifications may arrive in either order.
        await early.PushToAsync(harness.Store("eu").Inner, "team/mm", "prod");
        await late.PushToAsync(harness.Store("us").Inner, "team/mm", "prod");
        if (laterArrivesFirst)
        {
            await harness.NotifyPushAsync("us", "team/mm", "prod", late, t.AddSeconds(1));
            await harness.NotifyPushAsync("eu", "team/mm", "prod", early, t);
        }
        else
        {
            await harness.NotifyPushAsync("eu", "team/mm", "prod", early, t);
            await harness.NotifyPushAsync("us", "team/mm", "prod", late, t.AddSeconds(1));
        }

        await harness.WaitForAsync("team/mm", "prod", "Synced", digest: late.Root.Digest);
        foreach (string region in harness.RegionNames)
        {
            Assert.True(await new Holding.TagAt(region, "team/mm", "prod", late.Root.Digest).IsHeldAsync(harness.Store(region).Inner), region);
        }

        RepositoryStatus status = await harness.StatusAsync("team/mm");
        Assert.Equal("us", status.Tags.Single().SourceRegion);
    }

    [Fact]
    public async Task SameTagSameTimestamp_HigherPriorityRegionWins()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage fromEu = TestImage.Single("eu", TestImage.Layer("tie-eu", 1000));
        TestImage fromAp = TestImage.Single("ap", TestImage.Layer("tie-ap", 1000));
        DateTimeOffset t = DateTimeOffset.UtcNow;
        await fromAp.PushToAsync(harness.Store("ap").Inner, "team/tie", "v1");
        await fromEu.PushToAsync(harness.Store("eu").Inner, "team/tie", "v1");
        await harness.NotifyPushAsync("ap", "team/tie", "v1", fromAp, t);
        await harness.NotifyPushAsync("eu", "team/tie", "v1", fromEu, t);

        // eu has priority 1, ap 3: on a tie eu's push wins everywhere, ap included.
        await harness.WaitForAsync("team/tie", "v1", "Synced", digest: fromEu.Root.Digest);
        Assert.True(await new Holding.TagAt("ap", "team/tie", "v1", fromEu.Root.Digest).IsHeldAsync(harness.Store("ap").Inner));
    }
}
