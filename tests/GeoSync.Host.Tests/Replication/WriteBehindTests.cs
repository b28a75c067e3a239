using System.Diagnostics;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Tests.Support;
using GeoSync.Persistence;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

/// <summary>
/// The repository state is written behind: a checkpoint of the inbox, not a write per event. Events stay unapplied
/// in the inbox until a state holding them is written, so a lost or refused write loses nothing.
/// </summary>
public sealed class WriteBehindTests
{
    private const string Repository = "team/burst";

    [Fact]
    public async Task TagMovedInABurst_StateWrittenPerCheckpoint_NotPerEvent()
    {
        const int Moves = 40;
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"]);
        TestImage a = TestImage.Single("burst-a", TestImage.Layer("burst-a", 3000));
        TestImage b = TestImage.Single("burst-b", TestImage.Layer("burst-b", 3000));
        await a.PushToAsync(harness.Store("eu").Inner, Repository, "v1");
        await b.PushToAsync(harness.Store("eu").Inner, Repository, "v1");

        // The tag moves A, B, A, ... 40 times, one notification at a time as a registry sends them; B is last.
        var clock = Stopwatch.StartNew();
        DateTimeOffset start = DateTimeOffset.UtcNow;
        for (int i = 0; i < Moves; i++)
        {
            await harness.NotifyPushAsync("eu", Repository, "v1", i % 2 == 0 ? a : b, start.AddMilliseconds(i), $"burst-{i}");
        }

        await harness.WaitForAsync(Repository, "v1", "Synced", digest: b.Root.Digest);
        await Eventually.HoldsAsync(
            async () => (await harness.Database.Inbox.FindAsync($"burst-{Moves - 1}"))?.Applied == true,
            TimeSpan.FromSeconds(10),
            "the last event marked applied (its state checkpointed)");
        clock.Stop();

        // One write per checkpoint period at most (plus the first and the last), against one or more per event
        // when every turn wrote the state.
        int writes = harness.GrainState.Writes(RepositoryGrain.StateName, Repository);
        int bound = Math.Min(Moves / 4, (int)Math.Ceiling(clock.Elapsed / RepositoryGrain.DefaultCheckpointDelay) + 2);
        Assert.InRange(writes, 1, bound);
    }

    [Fact]
    public async Task StateWritesRefused_EventsStayUnapplied_UntilAStateHoldingThemIsWritten()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"]);
        harness.GrainState.FailWrites(RepositoryGrain.StateName, Repository, failing: true);
        TestImage image = TestImage.Single("held", TestImage.Layer("held", 3000));
        await harness.PushAsync("eu", Repository, "v1", image, eventId: "held-1");

        // Replication does not wait for the state write; the inbox does.
        await harness.WaitForAsync(Repository, "v1", "Synced");
        await Eventually.HoldsAsync(() => harness.GrainState.Refused >= 2, TimeSpan.FromSeconds(10), "the checkpoint refused, then tried again");
        InboxEntry? held = await harness.Database.Inbox.FindAsync("held-1");
        Assert.False(held?.Applied ?? true, "an event was marked applied although no state holding it was written");

        harness.GrainState.FailWrites(RepositoryGrain.StateName, Repository, failing: false);
        await Eventually.HoldsAsync(
            async () => (await harness.Database.Inbox.FindAsync("held-1"))?.Applied == true,
            TimeSpan.FromSeconds(10),
            "the event marked applied once the state was written");
        Assert.True(harness.GrainState.Writes(RepositoryGrain.StateName, Repository) >= 1);
    }

    [Fact]
    public async Task StateNotYetWritten_RepositoryListedAndCountedByStatus()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"]);
        harness.GrainState.FailWrites(RepositoryGrain.StateName, Repository, failing: true);
        TestImage image = TestImage.Single("unwritten", TestImage.Layer("unwritten", 3000));
        await harness.PushAsync("eu", Repository, "v1", image);
        await harness.WaitForAsync(Repository, "v1", "Synced");

        Assert.Contains(Repository, await harness.Client.ListRepositoriesAsync());
        Assert.All(await harness.Client.ListRegionsAsync(), region => Assert.Equal(1, region.Synced));
    }

    [Fact]
    public async Task OtherRepositoriesEvents_DoNotMakeARepositoryWriteAtOnce()
    {
        // A checkpoint an hour away: only a full batch of this repository's own events may write before it.
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"], checkpointDelay: TimeSpan.FromHours(1));
        TestImage image = TestImage.Single("quiet", TestImage.Layer("quiet", 3000));
        await harness.PushAsync("eu", Repository, "v1", image);
        await harness.WaitForAsync(Repository, "v1", "Synced");

        // 600 events of another repository in one envelope: the inbox sequence moves on by 600 meanwhile.
        string noise = "{\"events\": [" + string.Join(",", Enumerable.Range(0, 600).Select(i =>
            $$$"""{"id": "noise-{{{i}}}", "timestamp": "{{{DateTimeOffset.UtcNow:O}}}", "action": "delete", "target": {"repository": "team/noise", "tag": "gone-{{{i}}}"}}""")) + "]}";
        Assert.Equal(600, (await harness.SendAsync("eu", noise)).Accepted);

        await harness.PushAsync("eu", Repository, "v2", image);
        await harness.WaitForAsync(Repository, "v2", "Synced");
        Assert.Equal(0, harness.GrainState.Writes(RepositoryGrain.StateName, Repository));
    }
}
