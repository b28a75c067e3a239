using GeoSync.Testing.Webhooks;

namespace GeoSync.Webhooks.Tests;

/// <summary>One loopback receiver per test class; tests use their own endpoint paths on it.</summary>
public sealed class WebhookReceiverFixture : IAsyncLifetime
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();
}
