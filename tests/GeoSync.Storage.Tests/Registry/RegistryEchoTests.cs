using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Storage.Registry;
using GeoSync.Testing;
using GeoSync.Testing.Registry;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// A target registry notifies GeoSync of the writes GeoSync makes into it: those notifications must be recognisable
/// as echoes. A real registry, notifying a loopback receiver, shows what it reports of the registry store's writes.
/// </summary>
public sealed class RegistryEchoTests
{
    [Fact]
    public async Task WritesOfTheRegistryStore_AreNotifiedWithGeoSyncsUserAgent()
    {
        using var directory = new TestDirectory("registry-echo");
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        var endpoint = new RegistryNotificationEndpoint(receiver.UrlOf("registry")) { IgnoredMediaTypes = [MediaTypes.OctetStream] };
        await using RegistryServer registry = await RegistryServer.StartAsync(directory.Combine("store"), endpoint);
        using var store = new RegistryRegionStore(new RegistryRegionStoreOptions { Region = "us", Endpoint = registry.BaseUri });
        TestImage image = TestImage.Single("echoed", TestImage.Layer("echoed", 1024));

        await image.PushToAsync(store, "team/echoed", "v1");

        await Eventually.HoldsAsync(() => TagPushes(receiver).Any(), TimeSpan.FromSeconds(20), "the registry notified the tag GeoSync put");
        RegistryEvent tagPush = TagPushes(receiver).First();
        Assert.Equal(image.Root.Digest, tagPush.Target.Digest);
        Assert.True(tagPush.Request.IsGeoSync, $"the registry reported the user agent '{tagPush.Request.UserAgent}'");
    }

    private static IEnumerable<RegistryEvent> TagPushes(WebhookReceiver receiver) =>
        receiver.Received("registry")
            .SelectMany(r => NotificationEnvelope.Parse(r.Body))
            .Where(e => e.Kind == RegistryEventKind.ManifestPush && e.Target.Tag == Tag.Parse("v1"));
}
