using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Status;

/// <summary>One engine with webhooks for the status tests: an image pushed to eu, Synced everywhere, webhooks delivered.</summary>
public sealed class StatusEngineFixture : IAsyncLifetime
{
    public WebhookedEngine Engine { get; private set; } = null!;

    public EngineHarness Harness => Engine.Harness;

    public TestImage Image { get; } = TestImage.Single("status-img", TestImage.Layer("status-a", 4000), TestImage.Layer("status-b", 6000));

    public async Task InitializeAsync()
    {
        Engine = await WebhookedEngine.StartAsync();
        await Harness.PushAsync("eu", "team/status", "v1", Image);
        await Harness.WaitForAsync("team/status", "v1", "Synced");
        await Eventually.HoldsAsync(
            async () => (await Harness.Client.ListDeliveriesAsync(state: "Delivered")).Count == Harness.RegionNames.Length,
            TimeSpan.FromSeconds(30),
            "one delivered webhook per region");
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}
