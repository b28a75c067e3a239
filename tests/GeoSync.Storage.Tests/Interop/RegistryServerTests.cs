using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Storage.Tests.Interop;

/// <summary>The registry fixture itself: a registry configured with a notification endpoint sends its events there, with the configured headers.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryServerTests(RegistryPairFixture fixture)
{
    private sealed record Received(string? Authorization, string? ContentType, string Body);

    [Fact]
    public async Task StartAsync_WithNotificationEndpoint_SendsPushEventsWithItsHeaders()
    {
        int port = FreePort.Next();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/events/");
        listener.Start();
        var received = new ConcurrentQueue<Received>();
        Task listening = ListenAsync(listener, received);
        var endpoint = new RegistryNotificationEndpoint(new Uri($"http://127.0.0.1:{port}/events/"))
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret-token" },
            IgnoredMediaTypes = ["application/octet-stream"],
        };
        await using RegistryServer registry = await RegistryServer.StartAsync(fixture.NewFolder("notifying-store"), endpoint);

        await fixture.Skopeo.PushAsync(fixture.Images, "amd", registry, "team/notified", "v1");

        Digest pushed = fixture.Images.DigestOf("amd");
        await Eventually.HoldsAsync(() => received.Any(r => IsPushOf(r.Body, "team/notified", pushed)), TimeSpan.FromSeconds(20), "the registry notifies the push of team/notified:v1");
        Received push = received.First(r => IsPushOf(r.Body, "team/notified", pushed));
        Assert.Equal("Bearer s3cret-token", push.Authorization);
        Assert.StartsWith("application/vnd.docker.distribution.events.v", push.ContentType, StringComparison.Ordinal);
        Assert.DoesNotContain(received, r => r.Body.Contains("application/octet-stream", StringComparison.Ordinal));

        listener.Stop();
        await listening;
    }

    [Fact]
    public async Task StartAsync_StoreWithContent_ServesItAtOnce()
    {
        string repository = "team/restarted";
        await fixture.Skopeo.PushAsync(fixture.Images, "amd", fixture.RegistryA, repository, "v1");

        await using RegistryServer second = await RegistryServer.StartAsync(fixture.RegistryA.StorageRoot);

        Assert.NotEqual(fixture.RegistryA.Port, second.Port);
        Assert.NotNull(await fixture.Skopeo.TryInspectRawAsync(second, repository, "v1"));
    }

    private static bool IsPushOf(string body, string repository, Digest digest)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("events").EnumerateArray().Any(e =>
            e.GetProperty("action").GetString() == "push"
            && e.GetProperty("target").GetProperty("repository").GetString() == repository
            && e.GetProperty("target").GetProperty("digest").GetString() == digest.ToString());
    }

    private static async Task ListenAsync(HttpListener listener, ConcurrentQueue<Received> received)
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

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                received.Enqueue(new Received(context.Request.Headers["Authorization"], context.Request.ContentType, await reader.ReadToEndAsync()));
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
