using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Host.Client;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Nodes;
using GeoSync.Testing.Postgres;

namespace GeoSync.Host.Tests.Cluster;

/// <summary>
/// GeoSync nodes as Orleans silos of one cluster on PostgreSQL: every node accepts events, each repository is active on
/// one node, each blob crosses into a region once, and a node killed mid-run loses nothing it accepted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresServer postgres)
{
    private const int Repositories = 12;

    [Fact]
    public async Task ThreeNodes_NotificationsRoundRobin_ConvergeWithEachBlobWrittenOncePerRegion()
    {
        await using ClusterRig rig = await ClusterRig.StartAsync(await postgres.CreateDatabaseAsync("cluster"));
        Dictionary<string, TestImage> images = await PushWorkloadAsync(rig, sharedLayerSize: 2 * 1024 * 1024, ownLayerSize: 64 * 1024);

        HashSet<string> accepted = await NotifyRoundRobinAsync(rig, images, rig.Nodes.Count);
        await rig.WaitConvergedAsync(0, images, TimeSpan.FromSeconds(90));

        long unique = UniqueBytes(images);
        foreach (string region in ClusterRig.Targets)
        {
            // Measured on the store: the region holds each blob once, and nothing else.
            Assert.Equal(unique, rig.StoredBlobBytes(region));
            foreach ((string repository, TestImage image) in images)
            {
                Assert.Equal(image.Root.Digest, await rig.TagAsync(region, repository));
            }

            // And by the nodes: every blob was copied into the region by exactly one node, once.
            foreach (Digest digest in images.Values.SelectMany(i => i.Blobs.Keys).Distinct())
            {
                Assert.True(rig.CopiesLogged(region, digest) == 1, $"{digest.Short} copied into {region} {rig.CopiesLogged(region, digest)} times\n{rig.Outputs()}");
            }
        }

        await AssertAppliedAsync(rig.Nodes[1], accepted);
        // Any node lists every repository, from the grain state in the shared database.
        Assert.Equal(images.Keys.Order(StringComparer.Ordinal), await rig.Client(2).ListRepositoriesAsync());
        string outputs = rig.Outputs();
        Assert.DoesNotContain("InconsistentStateException", outputs, StringComparison.Ordinal);
        Assert.DoesNotContain("state write expected ETag", outputs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BusiestNodeKilledMidRun_SurvivorsConvergeAndApplyEveryAcceptedEvent()
    {
        // Targets receive at 4 MiB/s, so the kill lands while copies are in flight.
        await using ClusterRig rig = await ClusterRig.StartAsync(await postgres.CreateDatabaseAsync("cluster"), targetBandwidth: 4 * 1024 * 1024);
        Dictionary<string, TestImage> images = await PushWorkloadAsync(rig, sharedLayerSize: 4 * 1024 * 1024, ownLayerSize: 512 * 1024);

        HashSet<string> accepted = await NotifyRoundRobinAsync(rig, images, rig.Nodes.Count);
        await Eventually.HoldsAsync(
            () => rig.Nodes.Sum(n => n.Output.Split('\n').Count(l => l.Contains("Copied sha256:", StringComparison.Ordinal))) >= 2,
            TimeSpan.FromSeconds(60),
            "copies under way");
        int busiest = Enumerable.Range(0, rig.Nodes.Count)
            .OrderByDescending(i => rig.Nodes[i].Output.Split('\n').Count(l => l.Contains("Copied sha256:", StringComparison.Ordinal)))
            .First();
        await rig.Nodes[busiest].KillAsync();
        int survivor = (busiest + 1) % rig.Nodes.Count;

        await rig.WaitConvergedAsync(survivor, images, TimeSpan.FromSeconds(180));

        foreach (string region in ClusterRig.Targets)
        {
            Assert.Equal(UniqueBytes(images), rig.StoredBlobBytes(region));
            foreach ((string repository, TestImage image) in images)
            {
                Assert.Equal(image.Root.Digest, await rig.TagAsync(region, repository));
                foreach ((Digest digest, byte[] bytes) in image.Blobs)
                {
                    Assert.Equal(bytes.Length, new FileInfo(rig.BlobPath(region, digest)).Length);
                }
            }
        }

        await AssertAppliedAsync(rig.Nodes[survivor], accepted);
        // The survivors resumed the dead node's unfinished repositories when it was declared dead, not at a reminder.
        Assert.Contains("declared dead: woke", rig.Nodes[survivor].Output, StringComparison.Ordinal);
    }

    /// <summary>Twelve repositories in <c>eu</c>, all sharing one base layer, each with a layer of its own.</summary>
    private static async Task<Dictionary<string, TestImage>> PushWorkloadAsync(ClusterRig rig, int sharedLayerSize, int ownLayerSize)
    {
        byte[] shared = TestImage.Layer("cluster-base", sharedLayerSize);
        var images = new Dictionary<string, TestImage>(StringComparer.Ordinal);
        for (int i = 0; i < Repositories; i++)
        {
            string repository = $"team{i % 3}/app{i}";
            TestImage image = TestImage.Single($"app{i}", shared, TestImage.Layer($"cluster-own-{i}", ownLayerSize));
            await image.PushToAsync(rig.Eu, repository, "v1");
            images[repository] = image;
        }

        return images;
    }

    /// <summary>Sends each repository's push notification to the next node in turn; returns the ids answered 202.</summary>
    private static async Task<HashSet<string>> NotifyRoundRobinAsync(ClusterRig rig, Dictionary<string, TestImage> images, int nodes)
    {
        var accepted = new HashSet<string>(StringComparer.Ordinal);
        int next = 0;
        foreach ((string repository, TestImage image) in images)
        {
            string id = $"cluster-{repository.Replace('/', '-')}";
            var response = await rig.Client(next++ % nodes).PostEventsAsync(rig.Token, GeoSyncClient.PushEnvelope(repository, "v1", image.Root, DateTimeOffset.UtcNow, id));
            Assert.Equal(1, response.Accepted);
            accepted.Add(id);
        }

        return accepted;
    }

    /// <summary>Every accepted event is applied (its repository's written state holds it), as any node reports.</summary>
    private static async Task AssertAppliedAsync(ServeProcess node, IEnumerable<string> ids)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        foreach (string id in ids)
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    using JsonDocument answer = JsonDocument.Parse(await http.GetStringAsync($"v1/events/{id}"));
                    return answer.RootElement.GetProperty("applied").GetBoolean();
                },
                TimeSpan.FromSeconds(30),
                $"event {id} applied");
        }
    }

    private static long UniqueBytes(Dictionary<string, TestImage> images) =>
        images.Values.SelectMany(i => i.Blobs).DistinctBy(b => b.Key).Sum(b => (long)b.Value.Length);
}
