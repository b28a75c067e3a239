using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Testing;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>
/// The region a push came from, on a real silo: its registry wrote the image and the tag, so GeoSync only checks it;
/// it never writes a tag there, not even when the registry moved the tag before the first push's event was applied.
/// </summary>
public sealed class SourceRegionTests
{
    private const string Repository = "team/app";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NotifyAsync_TagMovedInTheSourceBeforeTheFirstEventApplied_SourceTagNeverRolledBack()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage first = TestImage.Single("first", TestImage.Layer("moved-1", 4 * 1024));
        TestImage second = TestImage.Single("second", TestImage.Layer("moved-2", 4 * 1024));
        TestRegionStore source = silo.Stores["eu"];
        await first.PushToAsync(source.Inner, Repository, "v1");
        await second.PushToAsync(source.Inner, Repository, "v1");
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", first.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        // The first push's decision reaches us; the source has seen its tag move on and waits for that push's event.
        await Eventually.HoldsAsync(
            async () => await grain.GetStateAsync() is var state
                && RegionOf(state, "us")?.State == ReplicationState.Synced
                && RegionOf(state, "eu") is { State: not ReplicationState.Copying, LastError: not null } or { State: ReplicationState.Synced },
            Deadline,
            "us Synced at the first push, the source region checked");
        Assert.Equal(second.Root.Digest, await TagAsync(source));

        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", second.Root);
        await grain.NotifyAsync();

        await Eventually.HoldsAsync(
            async () => (await grain.GetStateAsync()).Tags["v1"] is { } tag && tag.Desired.Digest == second.Root.Digest && tag.Regions.Values.All(r => r.State == ReplicationState.Synced),
            Deadline,
            "every region Synced at the second push");
        Assert.Equal(second.Root.Digest, await TagAsync(source));
        Assert.Equal(second.Root.Digest, await TagAsync(silo.Stores["us"]));
        Assert.Equal(0, source.TagWrites);
    }

    [Fact]
    public async Task NotifyAsync_SourceTagLinkBeingWritten_RetriedNotActedUponThenSynced()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage image = TestImage.Single("app", TestImage.Layer("being-written", 4 * 1024));
        TestRegionStore source = silo.Stores["eu"];
        await image.PushToAsync(source.Inner, Repository, "v1");
        // The registry truncates the link, then writes it: a reader in between sees an empty file.
        string link = Path.Combine(((FileSystemRegionStore)source.Inner).RootPath, DistributionLayout.TagCurrentLink(RepositoryName.Parse(Repository), Tag.Parse("v1")));
        await File.WriteAllTextAsync(link, string.Empty);
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        await Eventually.HoldsAsync(
            async () => RegionOf(await grain.GetStateAsync(), "eu") is { State: ReplicationState.Failed, LastError: { } error } && error.Contains("being written", StringComparison.Ordinal),
            Deadline,
            "the source region retries its half-written tag link");
        Assert.DoesNotContain(silo.Observer.Notices, n => n.Region == "eu");

        await File.WriteAllTextAsync(link, image.Root.Digest.ToString());
        await Eventually.HoldsAsync(
            async () =>
            {
                await grain.NotifyAsync();
                return RegionOf(await grain.GetStateAsync(), "eu")?.State == ReplicationState.Synced;
            },
            Deadline,
            "the source region Synced once its link is whole");
        Assert.Equal(image.Root.Digest, await TagAsync(source));
        Assert.Equal(0, source.TagWrites);
    }

    private static Task<Digest?> TagAsync(TestRegionStore store) => store.Inner.ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse("v1"));

    private static RegionTagRecord? RegionOf(RepositoryState state, string region) =>
        state.Tags.GetValueOrDefault("v1")?.Regions.GetValueOrDefault(region);
}
