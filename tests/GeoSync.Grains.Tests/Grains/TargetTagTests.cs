using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Testing;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>
/// A target region whose own pushes replicate (multi-master), on a real silo: a tag pushed there whose event is still
/// on its way may be the later push, so GeoSync neither overwrites nor deletes it until that event decides.
/// </summary>
public sealed class TargetTagTests
{
    private const string Repository = "team/app";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NotifyAsync_TargetPushesTheTagWhileTheBlobsCopy_TagNotOverwritten()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage pushed = TestImage.Single("eu-push", TestImage.Layer("copy-race-eu", 4 * 1024));
        TestImage local = TestImage.Single("us-push", TestImage.Layer("copy-race-us", 4 * 1024));
        await pushed.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        TaskCompletionSource copy = silo.Stores["eu"].HoldReads(pushed.Layers[1]);
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", pushed.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();
        await silo.Stores["eu"].ReadReached.Task.WaitAsync(Deadline);
        // us's registry takes a push of the tag while eu's layer is on its way there; its event is not sent yet.
        await local.PushToAsync(silo.Stores["us"].Inner, Repository, "v1");
        copy.SetResult();

        await Eventually.HoldsAsync(
            async () => RegionOf(await grain.GetStateAsync(), "us") is { State: ReplicationState.Pending, LastError: { } reason } && reason.Contains("pushed in that region", StringComparison.Ordinal),
            Deadline,
            "us waits for its own push's event");
        Assert.Equal(local.Root.Digest, await TagAsync(silo.Stores["us"]));

        await InboxPushes.AppendAsync(silo.Database, "us", Repository, "v1", local.Root);
        await grain.NotifyAsync();
        await EverywhereAsync(silo, grain, local.Root.Digest);
    }

    [Fact]
    public async Task NotifyAsync_TagDeletedElsewhereAfterTheTargetPushedItAgain_TargetsPushNotDeleted()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage first = TestImage.Single("first", TestImage.Layer("delete-race-1", 4 * 1024));
        TestImage again = TestImage.Single("again", TestImage.Layer("delete-race-2", 4 * 1024));
        await first.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", first.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);
        await grain.NotifyAsync();
        await EverywhereAsync(silo, grain, first.Root.Digest);

        // us pushes the tag again (its event still on its way), then eu deletes it.
        await again.PushToAsync(silo.Stores["us"].Inner, Repository, "v1");
        await silo.Stores["eu"].Inner.DeleteTagAsync(RepositoryName.Parse(Repository), Tag.Parse("v1"));
        await InboxPushes.AppendTagDeleteAsync(silo.Database, "eu", Repository, "v1");
        await grain.NotifyAsync();

        await Eventually.HoldsAsync(
            async () => await grain.GetStateAsync() is var state
                && RegionOf(state, "eu")?.State == ReplicationState.Deleted
                && RegionOf(state, "us") is { State: ReplicationState.Pending, LastError: { } reason } && reason.Contains("pushed in that region", StringComparison.Ordinal),
            Deadline,
            "eu Deleted, us waiting for its own push's event");
        Assert.Equal(again.Root.Digest, await TagAsync(silo.Stores["us"]));

        await InboxPushes.AppendAsync(silo.Database, "us", Repository, "v1", again.Root);
        await grain.NotifyAsync();
        await EverywhereAsync(silo, grain, again.Root.Digest);
    }

    private static async Task EverywhereAsync(GrainTestSilo silo, IRepositoryGrain grain, Digest digest)
    {
        await Eventually.HoldsAsync(
            async () => (await grain.GetStateAsync()).Tags["v1"] is { } tag && tag.Desired.Digest == digest && tag.Regions.Values.All(r => r.State == ReplicationState.Synced),
            Deadline,
            $"every region Synced at {digest.Short}");
        foreach (TestRegionStore store in silo.Stores.Values)
        {
            Assert.Equal(digest, await TagAsync(store));
        }
    }

    private static Task<Digest?> TagAsync(TestRegionStore store) => store.Inner.ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse("v1"));

    private static RegionTagRecord? RegionOf(RepositoryState state, string region) =>
        state.Tags.GetValueOrDefault("v1")?.Regions.GetValueOrDefault(region);
}
