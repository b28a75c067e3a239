using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Testing;
using GeoSync.Testing.Nodes;

namespace GeoSync.Host.Tests.Replication;

public sealed class CrashRecoveryTests
{
    private const int LayerSize = 4 * 1024 * 1024;

    [Fact]
    public async Task KilledMidReplication_RestartConverges_NoEventLost_CompletedBlobsNotCopiedAgain()
    {
        using var directory = new TestDirectory("crash");
        string topologyPath = directory.Combine("topology.json");
        // us receives at 16 MiB/s, one blob at a time, so the kill lands with some layers complete and some not.
        await File.WriteAllTextAsync(topologyPath, JsonSerializer.Serialize(new
        {
            version = 1,
            engine = new { listen = "http://127.0.0.1:5080", dataDirectory = "data" },
            regions = new object[]
            {
                new { name = "eu", priority = 1, store = new { kind = "filesystem", path = "regions/eu" }, registry = new { notificationToken = "env:TOKEN_EU" } },
                new { name = "us", priority = 2, store = new { kind = "filesystem", path = "regions/us" }, limits = new { concurrency = 1, bandwidthBytesPerSecond = 16 * 1024 * 1024 } },
            },
            rules = new[] { new { name = "eu-to-us", sources = new[] { "eu" }, targets = new[] { "us" }, repositories = new[] { "**" } } },
        }));
        var environment = new Dictionary<string, string> { ["TOKEN_EU"] = "crash-token" };
        var eu = new FileSystemRegionStore("eu", directory.Combine("data", "regions", "eu"));
        var us = new FileSystemRegionStore("us", directory.Combine("data", "regions", "us"));

        TestImage big = TestImage.Single("big", [.. Enumerable.Range(0, 6).Select(i => TestImage.Layer($"crash-{i}", LayerSize))]);
        TestImage small = TestImage.Single("small", TestImage.Layer("crash-small", 1000));
        await big.PushToAsync(eu, "team/big", "v1");
        await small.PushToAsync(eu, "team/small", "v1");

        await using ServeProcess engine = await ServeProcess.StartAsync(topologyPath, environment);
        HashSet<Digest> completeAtKill;
        try
        {
            var client = new GeoSyncClient(new HttpClient { BaseAddress = engine.BaseAddress });
            await client.PostEventsAsync("crash-token", GeoSyncClient.PushEnvelope("team/big", "v1", big.Root, DateTimeOffset.UtcNow, "event-big"));
            try
            {
                await Eventually.HoldsAsync(
                    async () => (await PresentAsync(us, big)).Count(d => big.Layers.Contains(d)) >= 2,
                    TimeSpan.FromSeconds(30),
                    "two layers of the big image reached us");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}; engine output:\n{engine.Output}", ex);
            }

            // Accepted (202) right before the crash: must not be lost.
            await client.PostEventsAsync("crash-token", GeoSyncClient.PushEnvelope("team/small", "v1", small.Root, DateTimeOffset.UtcNow, "event-small"));
        }
        finally
        {
            await engine.KillAsync();
        }

        completeAtKill = await PresentAsync(us, big);
        Assert.NotEqual(big.Blobs.Count, completeAtKill.Count);
        Dictionary<Digest, DateTime> writtenAt = completeAtKill.ToDictionary(d => d, d => File.GetLastWriteTimeUtc(BlobPath(directory, d)));

        await using ServeProcess restarted = await ServeProcess.StartAsync(topologyPath, environment);
        var after = new GeoSyncClient(new HttpClient { BaseAddress = restarted.BaseAddress });
        try
        {
            await Eventually.HoldsAsync(
                async () => await SyncedAsync(after, "team/big") && await SyncedAsync(after, "team/small"),
                TimeSpan.FromSeconds(60),
                "both images Synced in us after the restart");
        }
        catch (TimeoutException ex)
        {
            string bigStatus = JsonSerializer.Serialize(await after.GetRepositoryAsync("team/big"));
            string smallStatus = JsonSerializer.Serialize(await after.GetRepositoryAsync("team/small"));
            throw new TimeoutException($"{ex.Message}; status {bigStatus} {smallStatus}; engine output:\n{restarted.Output}", ex);
        }

        Assert.Equal(big.Root.Digest, await us.ReadTagAsync(RepositoryName.Parse("team/big"), Tag.Parse("v1")));
        Assert.Equal(small.Root.Digest, await us.ReadTagAsync(RepositoryName.Parse("team/small"), Tag.Parse("v1")));
        foreach ((Digest digest, DateTime at) in writtenAt)
        {
            Assert.Equal(at, File.GetLastWriteTimeUtc(BlobPath(directory, digest)));
        }

        // The restarted engine copied exactly the bytes that were missing at the kill.
        RepositoryStatus status = await after.GetRepositoryAsync("team/big");
        long copiedAfterRestart = status.Tags.Single().Regions.Single(r => r.Region == "us").BytesCopied;
        long missingAtKill = big.Blobs.Where(b => !completeAtKill.Contains(b.Key)).Sum(b => (long)b.Value.Length);
        Assert.Equal(missingAtKill, copiedAfterRestart);
    }

    private static async Task<bool> SyncedAsync(GeoSyncClient client, string repository)
    {
        RepositoryStatus status = await client.GetRepositoryAsync(repository);
        return status.Tags.Count == 1 && status.Tags[0].Regions.Any(r => r.Region == "us" && r.State == "Synced");
    }

    private static async Task<HashSet<Digest>> PresentAsync(FileSystemRegionStore store, TestImage image)
    {
        var present = new HashSet<Digest>();
        foreach (Digest digest in image.Blobs.Keys)
        {
            if (await store.StatBlobAsync(digest) is not null)
            {
                present.Add(digest);
            }
        }

        return present;
    }

    private static string BlobPath(TestDirectory directory, Digest digest) =>
        Path.Combine(directory.Combine("data", "regions", "us"), DistributionLayout.BlobData(digest));
}
