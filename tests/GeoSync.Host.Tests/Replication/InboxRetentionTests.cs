using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

/// <summary>The inbox keeps an applied event for the topology's <c>engine.inboxRetention</c>, then deletes it.</summary>
public sealed class InboxRetentionTests
{
    [Fact]
    public async Task AppliedEventOlderThanTheRetention_Deleted_AndTheImageStaysSynced()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"], inboxRetention: TimeSpan.FromSeconds(1));
        TestImage image = TestImage.Single("kept", TestImage.Layer("kept", 2000));

        await harness.PushAsync("eu", "team/kept", "v1", image, eventId: "evt-kept");
        await harness.WaitForAsync("team/kept", "v1", "Synced", digest: image.Root.Digest);
        // Applied (its state checkpointed); with a 1 s retention it may be gone already, which only an applied event can be.
        await Eventually.HoldsAsync(
            async () => await harness.Database.Inbox.FindAsync("evt-kept") is null or { Applied: true },
            TimeSpan.FromSeconds(10),
            "the event applied (its state checkpointed)");

        await Eventually.HoldsAsync(
            async () => await harness.Database.Inbox.FindAsync("evt-kept") is null,
            TimeSpan.FromSeconds(10),
            "the applied event deleted once older than the retention");

        // The repository's state is what holds the image, not the inbox: a restart still knows it is Synced.
        await harness.RestartAsync();
        await harness.WaitForAsync("team/kept", "v1", "Synced", digest: image.Root.Digest);
        Assert.Equal(0, await harness.Database.Inbox.CountPendingAsync());
    }
}
