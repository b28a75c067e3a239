using GeoSync.Domain.Names;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

/// <summary>
/// The region a push came from, against a running engine: its registry wrote the tag, GeoSync never writes one there,
/// so a tag the registry moved again (or is writing right now) is never rolled back or acted upon.
/// </summary>
public sealed class SourceRegionEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TagMovedQuicklyInTheSource_SourceNeverWrittenAndEveryRegionEndsOnTheLastPush()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage first = TestImage.Single("quick-1", TestImage.Layer("quick-1", 1500));
        TestImage second = TestImage.Single("quick-2", TestImage.Layer("quick-2", 1500));

        await FirstEventThenTheLaterOneAsync(harness, "team/quick", "latest", ("eu", first), ("eu", second));

        Assert.Equal(0, harness.Store("eu").LastMutationTimestamp);
    }

    [Fact]
    public async Task TagPushedInAnotherRegionTooItsEventLate_ThatRegionsTagNotOverwrittenUntilItsEventDecides()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage early = TestImage.Single("mm-early", TestImage.Layer("mm-late-event-1", 1500));
        TestImage late = TestImage.Single("mm-late", TestImage.Layer("mm-late-event-2", 1500));

        await FirstEventThenTheLaterOneAsync(harness, "team/mm-late", "prod", ("eu", early), ("us", late));
    }

    /// <summary>
    /// Two pushes of one tag, the later one's notification still on its way when the first is applied: the region
    /// holding the later push is checked but never rolled back; once its event arrives every region ends on it.
    /// </summary>
    private static async Task FirstEventThenTheLaterOneAsync(
        EngineHarness harness, string repository, string tag, (string Region, TestImage Image) first, (string Region, TestImage Image) later)
    {
        DateTimeOffset t = DateTimeOffset.UtcNow;
        await first.Image.PushToAsync(harness.Store(first.Region).Inner, repository, tag);
        await later.Image.PushToAsync(harness.Store(later.Region).Inner, repository, tag);

        await harness.NotifyPushAsync(first.Region, repository, tag, first.Image, t);
        await Eventually.HoldsAsync(
            async () => (await harness.StatusAsync(repository)).Tags.SingleOrDefault()?.Regions is { Count: 3 } regions
                && regions.Where(r => r.Region != later.Region).All(r => r.State == "Synced")
                && regions.Single(r => r.Region == later.Region) is { State: "Synced" } or { State: not "Copying", LastError: not null },
            Deadline,
            $"the first push everywhere but {later.Region}, {later.Region} checked");
        Assert.True(await new Holding.TagAt(later.Region, repository, tag, later.Image.Root.Digest).IsHeldAsync(harness.Store(later.Region).Inner), $"{later.Region}'s later push rolled back");

        await harness.NotifyPushAsync(later.Region, repository, tag, later.Image, t.AddMilliseconds(50));
        await harness.WaitForAsync(repository, tag, "Synced", digest: later.Image.Root.Digest);
        foreach (string region in harness.RegionNames)
        {
            Assert.True(await new Holding.TagAt(region, repository, tag, later.Image.Root.Digest).IsHeldAsync(harness.Store(region).Inner), region);
        }
    }

    [Fact]
    public async Task TargetWhosePushesDoNotReplicate_TagItHeldBeforeGeoSyncIsOverwritten()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(rule: new HarnessRule { Sources = ["eu"] });
        TestImage before = TestImage.Single("adopt-old", TestImage.Layer("adopt-old", 1500));
        TestImage pushed = TestImage.Single("adopt-new", TestImage.Layer("adopt-new", 1500));
        await before.PushToAsync(harness.Store("us").Inner, "team/adopt", "latest");

        await harness.PushAsync("eu", "team/adopt", "latest", pushed);

        await harness.WaitForAsync("team/adopt", "latest", "Synced");
        foreach (string region in harness.RegionNames)
        {
            Assert.True(await new Holding.TagAt(region, "team/adopt", "latest", pushed.Root.Digest).IsHeldAsync(harness.Store(region).Inner), region);
        }
    }

    [Fact]
    public async Task SourceTagLinkBeingWritten_RetriedNotActedUpon_SyncedOnceWhole()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage image = TestImage.Single("half-written", TestImage.Layer("half-written", 1500));
        await image.PushToAsync(harness.Store("eu").Inner, "team/half", "v1");
        // What distribution's filesystem driver leaves between truncating a link and writing it.
        string link = Path.Combine(((FileSystemRegionStore)harness.Store("eu").Inner).RootPath, DistributionLayout.TagCurrentLink(RepositoryName.Parse("team/half"), Tag.Parse("v1")));
        await File.WriteAllTextAsync(link, string.Empty);

        await harness.NotifyPushAsync("eu", "team/half", "v1", image);
        await Eventually.HoldsAsync(
            async () => RegionOf(await harness.StatusAsync("team/half"), "eu") is { State: not "Synced", LastError: { } error } && error.Contains("being written", StringComparison.Ordinal),
            Deadline,
            "eu retries its half-written tag link");
        await File.WriteAllTextAsync(link, image.Root.Digest.ToString());

        await harness.WaitForAsync("team/half", "v1", "Synced");
        Assert.True(await new Holding.TagAt("eu", "team/half", "v1", image.Root.Digest).IsHeldAsync(harness.Store("eu").Inner), "eu's tag");
        Assert.Equal(0, harness.Store("eu").LastMutationTimestamp);
    }

    [Fact]
    public async Task SourceTagNotWrittenYetWhenItsEventArrives_ReadAgainShortly_SyncedWellBeforeTheMinuteRecheck()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage image = TestImage.Single("tag-later", TestImage.Layer("tag-later", 1500));
        // Distribution notifies a manifest push before it writes the tag's link.
        await image.PushToAsync(harness.Store("eu").Inner, "team/tag-later", tag: null);
        await harness.NotifyPushAsync("eu", "team/tag-later", "v1", image);
        await Eventually.HoldsAsync(
            async () => RegionOf(await harness.StatusAsync("team/tag-later"), "eu") is { State: not "Synced", LastError: { } error } && error.Contains("not written there yet", StringComparison.Ordinal),
            Deadline,
            "eu reads its tag again");
        await harness.Store("eu").Inner.SetTagAsync(RepositoryName.Parse("team/tag-later"), Tag.Parse("v1"), image.Root.Digest);

        await harness.WaitForAsync("team/tag-later", "v1", "Synced", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(0, harness.Store("eu").LastMutationTimestamp);
    }

    private static RegionStatus? RegionOf(RepositoryStatus status, string region) =>
        status.Tags.SingleOrDefault()?.Regions.SingleOrDefault(r => r.Region == region);
}
