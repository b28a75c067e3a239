using GeoSync.Storage.FileSystem;
using GeoSync.Testing.Nodes;

namespace GeoSync.Benchmarks.Cluster;

/// <summary>
/// A <see cref="ServeCluster"/> with one HTTP client per node sized for the benchmark's concurrent clients, and the
/// nodes' CPU time.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly ServeCluster _cluster;
    private readonly List<HttpClient> _clients;

    private BenchCluster(ServeCluster cluster, int connectionsPerNode)
    {
        _cluster = cluster;
        _clients = [.. cluster.Nodes.Select(n => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connectionsPerNode }) { BaseAddress = n.BaseAddress, Timeout = TimeSpan.FromSeconds(60) })];
    }

    public static string[] Targets => ServeCluster.Targets;

    public string Token => _cluster.Token;

    public IReadOnlyList<ServeProcess> Nodes => _cluster.Nodes;

    /// <summary>The region's store, as the registry serving it reads and writes it.</summary>
    public FileSystemRegionStore Store(string region) => _cluster.Store(region);

    /// <summary>The HTTP client of node <paramref name="index"/>.</summary>
    public HttpClient Http(int index) => _clients[index];

    /// <summary>CPU time used by every node so far.</summary>
    public TimeSpan ProcessorTime => Nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + n.ProcessorTime);

    public static async Task<BenchCluster> StartAsync(int nodes, string connectionString, int connectionsPerNode, CancellationToken cancellationToken = default) =>
        new(await ServeCluster.StartAsync(connectionString, nodes, cancellationToken: cancellationToken), connectionsPerNode);

    /// <summary>Every node's last output lines.</summary>
    public string Tails() => _cluster.Outputs(n => n.Tail());

    /// <summary>Every node's first logged errors.</summary>
    public string FirstErrors() => _cluster.Outputs(n => n.FirstErrors);

    public async ValueTask DisposeAsync()
    {
        foreach (HttpClient client in _clients)
        {
            client.Dispose();
        }

        await _cluster.DisposeAsync();
    }
}
