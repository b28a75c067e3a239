using System.Collections.Concurrent;
using System.Net;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Storage.Registry;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// A target registry notifies GeoSync of the writes GeoSync makes into it: those notifications must be recognisable
/// as echoes. A real registry, notifying a loopback listener, shows what it reports of the registry store's writes.
/// </summary>
public sealed class RegistryEchoTests
{
    [Fact]
    public async Task WritesOfTheRegistryStore_AreNotifiedWithGeoSyncsUserAgent()
    {
        using var directory = new TestDirectory("registry-echo");
        int port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/events/");
        listener.Start();
        var received = new ConcurrentQueue<RegistryEvent>();
        Task listening = ListenAsync(listener, received);
        var endpoint = new RegistryNotificationEndpoint(new Uri($"http://127.0.0.1:{port}/events/")) { IgnoredMediaTypes = [MediaTypes.OctetStream] };
        await using RegistryServer registry = await RegistryServer.StartAsync(directory.Combine("store"), endpoint);
        using var store = new RegistryRegionStore(new RegistryRegionStoreOptions { Region = "us", Endpoint = registry.BaseUri });
        TestImage image = TestImage.Single("echoed", TestImage.Layer("echoed", 1024));

        await image.PushToAsync(store, "team/echoed", "v1");

        await Eventually.HoldsAsync(
            () => received.Any(e => e.Kind == RegistryEventKind.ManifestPush && e.Target.Tag == Tag.Parse("v1")),
            TimeSpan.FromSeconds(20),
            "the registry notified the tag GeoSync put");
        RegistryEvent tagPush = received.First(e => e.Kind == RegistryEventKind.ManifestPush && e.Target.Tag == Tag.Parse("v1"));
        Assert.Equal(image.Root.Digest, tagPush.Target.Digest);
        Assert.True(tagPush.Request.IsGeoSync, $"the registry reported the user agent '{tagPush.Request.UserAgent}'");

        listener.Stop();
        await listening;
    }

    private static async Task ListenAsync(HttpListener listener, ConcurrentQueue<RegistryEvent> received)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return; // stopped
            }

            using (var body = new MemoryStream())
            {
                await context.Request.InputStream.CopyToAsync(body);
                foreach (RegistryEvent registryEvent in NotificationEnvelope.Parse(body.ToArray()))
                {
                    received.Enqueue(registryEvent);
                }
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
