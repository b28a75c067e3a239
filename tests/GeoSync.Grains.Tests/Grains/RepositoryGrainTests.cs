using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;
using GeoSync.Testing;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>
/// <see cref="RepositoryGrain"/> on a real silo: events from the inbox drive every region to the pushed image, the
/// state is written behind to grain storage and read back by a fresh activation, and a failing region keeps a
/// reminder until it is synced.
/// </summary>
public sealed class RepositoryGrainTests
{
    private const string Repository = "team/app";

    /// <summary>The name of the reminder a repository with unfinished work keeps (private in the grain).</summary>
    private const string ReminderName = "replicate";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NotifyAsync_PushInTheInbox_EveryRegionSyncedAndAFreshActivationReadsTheSameState()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us", "ap"]);
        TestImage image = TestImage.Single("app", TestImage.Layer("layer-1", 64 * 1024), TestImage.Layer("layer-2", 16 * 1024));
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        await AppendPushAsync(silo.Database, "eu", "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        await Eventually.HoldsAsync(async () => RegionStates(await grain.GetStateAsync()).All(s => s == ReplicationState.Synced), Deadline, "every region Synced");
        Assert.Equal(["ap", "eu", "us"], (await grain.GetStateAsync()).Tags["v1"].Regions.Keys);
        foreach (string region in new[] { "us", "ap" })
        {
            Assert.Equal(image.Root.Digest, await silo.Stores[region].Inner.ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse("v1")));
            foreach ((Digest digest, byte[] bytes) in image.Blobs)
            {
                Assert.Equal(bytes.Length, await silo.Stores[region].Inner.StatBlobAsync(digest));
            }
        }

        Assert.Equal(["ap", "eu", "us"], silo.Observer.Notices.Select(n => n.Region).Order(StringComparer.Ordinal));

        // Written behind: the stored row, readable JSON, catches up with the state.
        await Eventually.HoldsAsync(async () => StoredRegionStates(await silo.Database.GrainState!.ReadAsync(RepositoryGrain.StateName, Repository)) is ["Synced", "Synced", "Synced"], Deadline, "the stored state shows every region Synced");
        string before = JsonSerializer.Serialize(await grain.GetStateAsync(), GrainJson.Options);
        Assert.Equal(1, silo.GrainState.Reads(RepositoryGrain.StateName, Repository));

        await silo.DeactivateAsync(grain);
        RepositoryState after = await grain.GetStateAsync();

        Assert.Equal(2, silo.GrainState.Reads(RepositoryGrain.StateName, Repository));
        Assert.Equal(before, JsonSerializer.Serialize(after, GrainJson.Options));
        Assert.Equal(before, (await silo.Database.GrainState!.ReadAsync(RepositoryGrain.StateName, Repository))?.Payload);
        Assert.Empty(await silo.Database.Inbox.ReadPendingAsync(Repository, 0, 10));
        Assert.DoesNotContain(Repository, await silo.Database.Inbox.ListRepositoriesWithPendingAsync());
    }

    [Fact]
    public async Task NotifyAsync_TargetStoreFailing_RegionFailedWithAReminderUntilTheStoreRecovers()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage image = TestImage.Single("app", TestImage.Layer("layer-3", 32 * 1024));
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        TestRegionStore target = silo.Stores["us"];
        target.Down = true;
        await AppendPushAsync(silo.Database, "eu", "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);
        GrainId grainId = grain.GetGrainId();

        await grain.NotifyAsync();

        await Eventually.HoldsAsync(
            async () => RegionOf(await grain.GetStateAsync(), "us")?.State == ReplicationState.Failed && await silo.Database.Reminders!.ReadRow(grainId, ReminderName) is not null,
            Deadline,
            "us Failed, with the grain's reminder in the SQLite reminder table");
        RepositoryState failing = await grain.GetStateAsync();
        Assert.Equal(ReplicationState.Synced, RegionOf(failing, "eu")?.State);
        Assert.Contains("unreachable", RegionOf(failing, "us")?.LastError, StringComparison.Ordinal);

        target.Down = false;
        await Eventually.HoldsAsync(
            async () =>
            {
                await grain.NotifyAsync();
                return RegionOf(await grain.GetStateAsync(), "us")?.State == ReplicationState.Synced;
            },
            Deadline,
            "us Synced after the store recovered");

        Assert.Equal(image.Root.Digest, await target.Inner.ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse("v1")));
        await Eventually.HoldsAsync(async () => await silo.Database.Reminders!.ReadRow(grainId, ReminderName) is null, Deadline, "the reminder removed once no work is left");
    }

    [Fact]
    public async Task NotifyAsync_TargetStoreDown_RetriesOnItsBackoffWithoutNudgesAndSyncsWhenItReturns()
    {
        // The reminder ticks once a minute here: every retry below comes from the grain's own backoff timer.
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage image = TestImage.Single("app", TestImage.Layer("layer-5", 8 * 1024));
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        TestRegionStore target = silo.Stores["us"];
        target.Down = true;
        await AppendPushAsync(silo.Database, "eu", "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        // Backoff 0.5–1 s, then 1–2 s: a third attempt within the deadline only if each failure re-arms the timer.
        await Eventually.HoldsAsync(async () => RegionOf(await grain.GetStateAsync(), "us") is { Attempts: >= 3 }, Deadline, "three attempts in us, unprompted");
        target.Down = false;
        // The retry due now waits at most the backoff's ceiling for the attempts made so far (1 s, doubling).
        int attempts = RegionOf(await grain.GetStateAsync(), "us")?.Attempts ?? 0;
        TimeSpan nextRetry = TimeSpan.FromSeconds(Math.Pow(2, attempts - 1)) + Deadline;
        await Eventually.HoldsAsync(async () => RegionOf(await grain.GetStateAsync(), "us")?.State == ReplicationState.Synced, nextRetry, "us Synced at its next retry, unprompted");
    }

    [Fact]
    public async Task NotifyAsync_RegionWorkFailsWithAnUnexpectedException_RegionIsTriedAgainNotLeftCopying()
    {
        // A blob call that times out (here: the replicator reports later than a call may last; on a cluster also a node
        // lost mid-call) is no store failure: the region's work must still end and be tried again.
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o =>
        {
            o.Regions = ["eu", "us"];
            o.ReportAfter = TimeSpan.FromSeconds(2);
            o.ResponseTimeout = TimeSpan.FromMilliseconds(500);
        });
        byte[] layer = TestImage.Layer("layer-4", 16 * 1024);
        TestImage image = TestImage.Single("app", layer);
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        TaskCompletionSource release = silo.Stores["eu"].HoldReads(Digest.Compute(layer));
        await AppendPushAsync(silo.Database, "eu", "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();
        await Eventually.HoldsAsync(
            async () => RegionOf(await StateWithinShortTimeoutAsync(grain), "us") is { State: ReplicationState.Failed, LastError: not null },
            Deadline,
            "us Failed with the blob call's timeout (not left Copying)");
        release.SetResult();

        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    await grain.NotifyAsync();
                }
                catch (TimeoutException)
                {
                    // Asked again at the next look.
                }

                return RegionOf(await StateWithinShortTimeoutAsync(grain), "us")?.State == ReplicationState.Synced;
            },
            TimeSpan.FromSeconds(5),
            "us Synced once the blob's source answers again");
    }

    /// <summary>
    /// The state, or an empty one when the test's short call timeout ran out first (the grain's turn writing its state
    /// on a loaded machine): the look is asked again, only the blob calls' timeouts are under test.
    /// </summary>
    private static async Task<RepositoryState> StateWithinShortTimeoutAsync(IRepositoryGrain grain)
    {
        try
        {
            return await grain.GetStateAsync();
        }
        catch (TimeoutException)
        {
            return new RepositoryState();
        }
    }

    private static Task AppendPushAsync(GeoSyncDatabase database, string region, string tag, Descriptor manifest) =>
        InboxPushes.AppendAsync(database, region, Repository, tag, manifest);

    private static IEnumerable<ReplicationState> RegionStates(RepositoryState state) =>
        state.Tags.TryGetValue("v1", out TagRecord? record) ? record.Regions.Values.Select(r => r.State) : [ReplicationState.Pending];

    private static RegionTagRecord? RegionOf(RepositoryState state, string region) =>
        state.Tags.GetValueOrDefault("v1")?.Regions.GetValueOrDefault(region);

    /// <summary>The region states of tag v1 in the stored JSON row, in region order.</summary>
    private static string?[] StoredRegionStates(StoredGrainState? row)
    {
        if (row is null)
        {
            return [];
        }

        using JsonDocument json = JsonDocument.Parse(row.Payload);
        return json.RootElement.TryGetProperty("tags", out JsonElement tags) && tags.TryGetProperty("v1", out JsonElement tag)
            ? [.. tag.GetProperty("regions").EnumerateObject().Select(r => r.Value.GetProperty("state").GetString())]
            : [];
    }
}
