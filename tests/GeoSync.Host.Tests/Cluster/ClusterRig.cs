using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Cluster;

/// <summary>
/// Three <c>geosync serve</c> processes forming one Orleans cluster on a real PostgreSQL: one topology file per node
/// (the same regions, rules and database; each its own silo port), filesystem regions shared by every node. The
/// source region <c>eu</c> is where images are pushed; <c>us</c> and <c>ap</c> follow it.
/// </summary>
public sealed class ClusterRig : IAsyncDisposable
{
    public const string Token = "cluster-token";
    private readonly List<EngineProcess> _nodes = [];
    private readonly Dictionary<string, string> _environment;

    private ClusterRig(TestDirectory directory, string connectionString)
    {
        Directory = directory;
        _environment = new Dictionary<string, string> { ["TOKEN_EU"] = Token, ["GEOSYNC_PG"] = connectionString };
        Eu = new FileSystemRegionStore("eu", directory.Combine("data", "regions", "eu"));
    }

    public TestDirectory Directory { get; }

    public FileSystemRegionStore Eu { get; }

    public IReadOnlyList<EngineProcess> Nodes => _nodes;

    public static string[] Targets { get; } = ["us", "ap"];

    /// <summary>Writes the topology files and starts <paramref name="nodes"/> nodes (each waits for /readyz).</summary>
    public static async Task<ClusterRig> StartAsync(string connectionString, int nodes = 3, long? targetBandwidth = null)
    {
        var rig = new ClusterRig(new TestDirectory("cluster"), connectionString);
        string clusterId = $"test-{Guid.NewGuid():N}"[..20];
        try
        {
            for (int i = 0; i < nodes; i++)
            {
                string path = rig.Directory.Combine($"node{i}.json");
                await File.WriteAllTextAsync(path, TopologyJson(clusterId, FreePort.Next(), targetBandwidth));
                rig._nodes.Add(await EngineProcess.StartAsync(path, rig._environment));
            }
        }
        catch
        {
            // The nodes already started must not outlive the test.
            await rig.DisposeAsync();
            throw;
        }

        return rig;
    }

    /// <summary>A client of node <paramref name="index"/>.</summary>
    public GeoSyncClient Client(int index) => new(new HttpClient { BaseAddress = _nodes[index].BaseAddress, Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>The region's store, as a registry serving it would read it.</summary>
    public FileSystemRegionStore Store(string region) => new(region, Directory.Combine("data", "regions", region));

    /// <summary>Waits until every tag is Synced at its digest in every target region, asking <paramref name="node"/>.</summary>
    public async Task WaitConvergedAsync(int node, IReadOnlyDictionary<string, TestImage> images, TimeSpan timeout)
    {
        GeoSyncClient client = Client(node);
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    foreach ((string repository, TestImage image) in images)
                    {
                        RepositoryStatus status;
                        try
                        {
                            status = await client.GetRepositoryAsync(repository);
                        }
                        catch (GeoSyncApiException ex) when (ex.Status == 503)
                        {
                            // The repository was on the killed node, which the cluster has not yet declared dead.
                            return false;
                        }

                        TagStatus? tag = status.Tags.FirstOrDefault(t => t.Tag == "v1");
                        if (tag is null || tag.Digest != image.Root.Digest.ToString() || !Targets.All(r => tag.Regions.Any(x => x.Region == r && x.State == "Synced")))
                        {
                            return false;
                        }
                    }

                    return true;
                },
                timeout,
                "every repository Synced in us and ap");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; node outputs:\n{Outputs()}", ex);
        }
    }

    /// <summary>Bytes of the blob files a region's store holds (what was written into it, each blob once).</summary>
    public long StoredBlobBytes(string region)
    {
        string blobs = Path.Combine(Directory.Combine("data", "regions", region), "docker", "registry", "v2", "blobs");
        return System.IO.Directory.Exists(blobs) ? System.IO.Directory.EnumerateFiles(blobs, "data", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
    }

    /// <summary>How many times any node logged copying <paramref name="digest"/> into <paramref name="region"/>.</summary>
    public int CopiesLogged(string region, Digest digest, IEnumerable<EngineProcess>? nodes = null) =>
        (nodes ?? _nodes).Sum(n => n.Output.Split('\n').Count(l => l.Contains($"Copied {digest.Short} into `{region}`", StringComparison.Ordinal)));

    public string Outputs() => string.Join("\n", _nodes.Select((n, i) => $"--- node {i} ---\n{n.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (EngineProcess node in _nodes)
        {
            await node.DisposeAsync();
        }

        Directory.Dispose();
    }

    /// <summary>A layout path relative to a region's store.</summary>
    public string BlobPath(string region, Digest digest) =>
        Path.Combine(Directory.Combine("data", "regions", region), DistributionLayout.BlobData(digest));

    /// <summary>The tag as the region's store holds it.</summary>
    public Task<Digest?> TagAsync(string region, string repository) =>
        Store(region).ReadTagAsync(RepositoryName.Parse(repository), Tag.Parse("v1"));

    private static string TopologyJson(string clusterId, int siloPort, long? targetBandwidth)
    {
        Dictionary<string, object> Region(string name, int priority)
        {
            var region = new Dictionary<string, object> { ["name"] = name, ["priority"] = priority, ["store"] = new { kind = "filesystem", path = $"regions/{name}" } };
            if (name == "eu")
            {
                region["registry"] = new { notificationToken = "env:TOKEN_EU" };
            }
            else if (targetBandwidth is long rate)
            {
                region["limits"] = new { bandwidthBytesPerSecond = rate };
            }

            return region;
        }

        return JsonSerializer.Serialize(new
        {
            version = 1,
            engine = new
            {
                listen = "http://127.0.0.1:5080",
                dataDirectory = "data",
                persistence = new { provider = "postgres", connectionString = "env:GEOSYNC_PG" },
                cluster = new { id = clusterId, siloPort, advertisedAddress = "127.0.0.1" },
            },
            regions = new[] { Region("eu", 1), Region("us", 2), Region("ap", 3) },
            rules = new[] { new { name = "eu-out", sources = new[] { "eu" }, targets = Targets, repositories = new[] { "**" } } },
        });
    }
}
