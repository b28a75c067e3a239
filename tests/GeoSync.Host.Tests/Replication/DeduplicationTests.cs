using GeoSync.Domain.Content;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

public sealed class DeduplicationTests
{
    [Fact]
    public async Task ConcurrentPushes_SharedLayer_WrittenOncePerTargetRegion()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        byte[] shared = TestImage.Layer("dedup-50mib", 50 * 1024 * 1024);
        TestImage[] images = [.. Enumerable.Range(0, 20).Select(i => TestImage.Single($"svc{i}", shared, TestImage.Layer($"svc-{i}", 4096)))];

        // 20 pushes in 20 repositories, notified concurrently: every target region needs the same 50 MiB layer 20 times.
        for (int i = 0; i < images.Length; i++)
        {
            await images[i].PushToAsync(harness.Store("eu").Inner, $"fleet/svc{i}", "v1");
        }

        await Task.WhenAll(images.Select((image, i) => harness.NotifyPushAsync("eu", $"fleet/svc{i}", "v1", image)));
        for (int i = 0; i < images.Length; i++)
        {
            await harness.WaitForAsync($"fleet/svc{i}", "v1", "Synced", timeout: TimeSpan.FromSeconds(60));
        }

        Digest sharedDigest = Digest.Compute(shared);
        foreach (string region in new[] { "us", "ap" })
        {
            InstrumentedRegionStore store = harness.Store(region);
            Assert.Equal(shared.Length, store.BytesWritten[sharedDigest]);
            // Bytes written per region equal the unique bytes it lacked: the shared layer once, plus each image's own blobs.
            long unique = images.SelectMany(i => i.Blobs).DistinctBy(b => b.Key).Sum(b => (long)b.Value.Length);
            Assert.Equal(unique, store.TotalBytesWritten);
        }

        Assert.Equal(0, harness.Store("eu").TotalBytesWritten);
    }
}
