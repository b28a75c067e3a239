using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Tests.Support;
using GeoSync.Storage;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Host.Tests.Webhooks;

/// <summary>A running engine with a deploy webhook per region, a real loopback receiver, and a real push.</summary>
public sealed class DeployWebhookEndToEndTests : IAsyncLifetime
{
    private WebhookedEngine _engine = null!;

    public async Task InitializeAsync() => _engine = await WebhookedEngine.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Push_EveryRegionSynced_EachRegionsWebhookSignedAndSentOnlyAfterImagePullableThere()
    {
        EngineHarness harness = _engine.Harness;
        TestImage image = TestImage.Index(
            TestImage.Single("e2e-amd", "amd64", TestImage.Layer("e2e-a", 3000)),
            TestImage.Single("e2e-arm", "arm64", TestImage.Layer("e2e-b", 5000)));
        await harness.PushAsync("eu", "team/web", "v1", image);
        await harness.WaitForAsync("team/web", "v1", "Synced");
        await Eventually.HoldsAsync(
            () => harness.RegionNames.All(r => _engine.Receiver.Received(WebhookedEngine.EndpointOf(r)).Count > 0),
            TimeSpan.FromSeconds(30),
            "a webhook in every region");

        foreach (string region in harness.RegionNames)
        {
            ReceivedWebhook hook = Assert.Single(_engine.Receiver.Received(WebhookedEngine.EndpointOf(region)));
            Assert.True(hook.VerifiesWith(WebhookedEngine.SecretOf(region)), $"{region}: signature verifies with its secret");
            Assert.Empty(hook.SchemaErrors);
            Assert.False(hook.VerifiesWith(WebhookedEngine.SecretOf(region == "eu" ? "us" : "eu")), $"{region}: another region's secret does not verify");
            using JsonDocument body = JsonDocument.Parse(hook.Body);
            Assert.Equal("io.geosync.image.synced", body.RootElement.GetProperty("type").GetString());
            Assert.Contains(image.Root.Digest.ToString(), hook.BodyText, StringComparison.Ordinal);

            // Every write into this region's store ended before the webhook arrived, and the store now holds the
            // whole image: so the image was pullable there when the receiver got the webhook.
            InstrumentedRegionStore store = harness.Store(region);
            Assert.True(region == "eu" || store.LastMutationTimestamp > 0, $"{region}: the engine wrote the image into it");
            Assert.True(store.LastMutationTimestamp < hook.ReceivedAtTimestamp, $"{region}: a store write happened after the webhook arrived");
            await AssertPullableAsync(store.Inner, "team/web", "v1", image);
        }

        string[] secrets = [.. harness.RegionNames.Select(WebhookedEngine.SecretOf)];
        IReadOnlyList<string> lines = _engine.Logs.Lines;
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, line => secrets.Any(s => line.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TagMovedAwayAndBack_EveryMoveReachesEachRegionsClusters()
    {
        EngineHarness harness = _engine.Harness;
        TestImage a = TestImage.Single("back-a", TestImage.Layer("back-a", 2000));
        TestImage b = TestImage.Single("back-b", TestImage.Layer("back-b", 2000));
        DateTimeOffset t = DateTimeOffset.UtcNow;
        TestImage[] moves = [a, b, a];
        for (int i = 0; i < moves.Length; i++)
        {
            await harness.PushAsync("eu", "team/back", "prod", moves[i], t.AddSeconds(i));
            await harness.WaitForAsync("team/back", "prod", "Synced", digest: moves[i].Root.Digest);
            int expected = i + 1;
            await Eventually.HoldsAsync(
                () => harness.RegionNames.All(r => _engine.Receiver.Received(WebhookedEngine.EndpointOf(r)).Count >= expected),
                TimeSpan.FromSeconds(30),
                $"webhook {expected} in every region");
        }

        foreach (string region in harness.RegionNames)
        {
            IReadOnlyList<ReceivedWebhook> hooks = _engine.Receiver.Received(WebhookedEngine.EndpointOf(region));
            Assert.Equal(3, hooks.Count);
            Assert.Equal(3, hooks.Select(h => h.WebhookId).Distinct().Count()); // A again is a new message, not a duplicate
            Assert.All(hooks, h => Assert.Empty(h.SchemaErrors));
            Assert.Contains(a.Root.Digest.ToString(), hooks[^1].BodyText, StringComparison.Ordinal);
        }
    }

    private static async Task AssertPullableAsync(IRegionStore store, string repository, string tag, TestImage image)
    {
        RepositoryName name = RepositoryName.Parse(repository);
        Assert.Equal(image.Root.Digest, await store.ReadTagAsync(name, Tag.Parse(tag)));
        foreach ((Digest digest, byte[] bytes) in image.Blobs)
        {
            Assert.Equal(bytes.Length, await store.StatBlobAsync(digest));
        }

        foreach (Digest manifest in image.Manifests)
        {
            Assert.True(await store.HasManifestLinkAsync(name, manifest), $"{store.Region}: manifest {manifest} linked");
        }

        foreach (Digest layer in image.Layers)
        {
            Assert.True(await store.HasLayerLinkAsync(name, layer), $"{store.Region}: layer {layer} linked");
        }
    }
}
