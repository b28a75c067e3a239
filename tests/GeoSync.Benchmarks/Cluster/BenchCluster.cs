using System.Text.Json;
using GeoSync.Storage.FileSystem;
using GeoSync.Testing;

namespace GeoSync.Benchmarks.Cluster;

/// <summary>
/// <paramref name="nodes"/> <c>geosync serve</c> processes forming one Orleans cluster on a PostgreSQL database: one
/// topology file per node (the same regions, rule and database, each its own silo port), the filesystem regions
/// shared by every node. Images are pushed into the source region <c>eu</c>; <c>us</c> and <c>ap</c> follow it.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public const string Token = "bench-cluster-token";
    private readonly List<ServeProcess> _nodes = [];
    private readonly List<HttpClient> _clients = [];

    private BenchCluster(TestDirectory directory) => Directory = directory;

    public TestDirectory Directory { get; }

    public IReadOnlyList<ServeProcess> Nodes => _nodes;

    public static string[] Targets { get; } = ["us", "ap"];

    /// <summary>The region's store, as the registry serving it reads and writes it.</summary>
    public FileSystemRegionStore Store(string region) => new(region, Directory.Combine("data", "regions", region));

    /// <summary>The HTTP client of node <paramref name="index"/>.</summary>
    public HttpClient Http(int index) => _clients[index];

    /// <summary>CPU time used by every node so far.</summary>
    public TimeSpan ProcessorTime => _nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + n.ProcessorTime);

    /// <summary>
    /// Writes the topology files and starts the nodes one after another (each waits for <c>/readyz</c>, so the
    /// first creates the schema before the others join).
    /// </summary>
    public static async Task<BenchCluster> StartAsync(int nodes, string connectionString, int connectionsPerNode, CancellationToken cancellationToken = default)
    {
        var cluster = new BenchCluster(new TestDirectory("cluster-bench"));
        try
        {
            var environment = new Dictionary<string, string> { ["TOKEN_EU"] = Token, ["GEOSYNC_PG"] = connectionString };
            string clusterId = $"bench-{Guid.NewGuid():N}"[..20];
            for (int i = 0; i < nodes; i++)
            {
                string path = cluster.Directory.Combine($"node{i}.json");
                await File.WriteAllTextAsync(path, TopologyJson(clusterId, FreePort.Next()), cancellationToken);
                ServeProcess node = await ServeProcess.StartAsync(path, environment, cancellationToken);
                cluster._nodes.Add(node);
                cluster._clients.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connectionsPerNode }) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) });
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Every node's last output lines.</summary>
    public string Tails() => string.Join('\n', _nodes.Select((n, i) => $"--- node {i} ---\n{n.Tail}"));

    /// <summary>Every node's first logged errors.</summary>
    public string FirstErrors() => string.Join('\n', _nodes.Select((n, i) => $"--- node {i} ---\n{n.FirstErrors}"));

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient client in _clients)
        {
            client.Dispose();
        }

        foreach (ServeProcess node in _nodes)
        {
            await node.DisposeAsync();
        }

        Directory.Dispose();
    }

    private static string TopologyJson(string clusterId, int siloPort) => JsonSerializer.Serialize(new
    {
        version = 1,
        engine = new
        {
            listen = "http://127.0.0.1:0",
            dataDirectory = "data",
            persistence = new { provider = "postgres", connectionString = "env:GEOSYNC_PG" },
            cluster = new { id = clusterId, siloPort, advertisedAddress = "127.0.0.1" },
        },
        regions = new object[]
        {
            new { name = "eu", priority = 1, store = new { kind = "filesystem", path = "regions/eu" }, registry = new { notificationToken = "env:TOKEN_EU" } },
            new { name = "us", priority = 2, store = new { kind = "filesystem", path = "regions/us" } },
            new { name = "ap", priority = 3, store = new { kind = "filesystem", path = "regions/ap" } },
        },
        rules = new[] { new { name = "eu-out", sources = new[] { "eu" }, targets = Targets, repositories = new[] { "**" } } },
    });
}
