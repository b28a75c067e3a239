using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Testing;
using GeoSync.Testing.Nodes;

namespace GeoSync.Host.Tests.Cluster;

/// <summary>
/// Three <c>geosync serve</c> processes forming one Orleans cluster on a real PostgreSQL (<see cref="ServeCluster"/>),
/// with what the cluster tests look at: each node's client and output, the stores' bytes and tags.
/// </summary>
public sealed class ClusterRig : IAsyncDisposable
{
    private readonly ServeCluster _cluster;

    private ClusterRig(ServeCluster cluster)
    {
        _cluster = cluster;
        Eu = cluster.Store("eu");
    }

    public string Token => _cluster.Token;

    public FileSystemRegionStore Eu { get; }

    public IReadOnlyList<ServeProcess> Nodes => _cluster.Nodes;

    public static string[] Targets => ServeCluster.Targets;

    /// <summary>Starts <paramref name="nodes"/> nodes (each waits for /readyz).</summary>
    public static async Task<ClusterRig> StartAsync(string connectionString, int nodes = 3, long? targetBandwidth = null) =>
        new(await ServeCluster.StartAsync(connectionString, nodes, targetBandwidth));

    /// <summary>A client of node <paramref name="index"/>.</summary>
    public GeoSyncClient Client(int index) => new(new HttpClient { BaseAddress = Nodes[index].BaseAddress, Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>The region's store, as a registry serving it would read it.</summary>
    public FileSystemRegionStore Store(string region) => _cluster.Store(region);

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
        string blobs = Path.Combine(_cluster.StorePath(region), "docker", "registry", "v2", "blobs");
        return System.IO.Directory.Exists(blobs) ? System.IO.Directory.EnumerateFiles(blobs, "data", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
    }

    /// <summary>How many times any node logged copying <paramref name="digest"/> into <paramref name="region"/>.</summary>
    public int CopiesLogged(string region, Digest digest, IEnumerable<ServeProcess>? nodes = null) =>
        (nodes ?? Nodes).Sum(n => n.Output.Split('\n').Count(l => l.Contains($"Copied {digest.Short} into `{region}`", StringComparison.Ordinal)));

    public string Outputs() => _cluster.Outputs();

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>A layout path relative to a region's store.</summary>
    public string BlobPath(string region, Digest digest) =>
        Path.Combine(_cluster.StorePath(region), DistributionLayout.BlobData(digest));

    /// <summary>The tag as the region's store holds it.</summary>
    public Task<Digest?> TagAsync(string region, string repository) =>
        Store(region).ReadTagAsync(RepositoryName.Parse(repository), Tag.Parse("v1"));
}
