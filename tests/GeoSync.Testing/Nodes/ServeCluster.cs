using System.Text.Json;
using GeoSync.Storage.FileSystem;

namespace GeoSync.Testing.Nodes;

/// <summary>
/// <c>geosync serve</c> processes forming one Orleans cluster on a PostgreSQL database: one topology file per node
/// (the same regions, rule and database, each its own silo port), the filesystem regions shared by every node.
/// Images are pushed into the source region <c>eu</c>; <c>us</c> and <c>ap</c> follow it.
/// </summary>
public sealed class ServeCluster : IAsyncDisposable
{
    private readonly List<ServeProcess> _nodes = [];

    private ServeCluster(TestDirectory directory, string token)
    {
        Directory = directory;
        Token = token;
    }

    /// <summary>The regions that follow <c>eu</c>.</summary>
    public static string[] Targets { get; } = ["us", "ap"];

    public TestDirectory Directory { get; }

    /// <summary>The notification token of <c>eu</c>'s registry.</summary>
    public string Token { get; }

    public IReadOnlyList<ServeProcess> Nodes => _nodes;

    /// <summary>
    /// Writes the topology files and starts the nodes one after another (each waits for <c>/readyz</c>, so the
    /// first creates the schema before the others join). Targets receive at most <paramref name="targetBandwidth"/>
    /// bytes per second when given.
    /// </summary>
    public static async Task<ServeCluster> StartAsync(string connectionString, int nodes, long? targetBandwidth = null, CancellationToken cancellationToken = default)
    {
        var cluster = new ServeCluster(new TestDirectory("cluster"), $"token-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["TOKEN_EU"] = cluster.Token, ["GEOSYNC_PG"] = connectionString };
        string clusterId = $"test-{Guid.NewGuid():N}"[..20];
        try
        {
            for (int i = 0; i < nodes; i++)
            {
                string path = cluster.Directory.Combine($"node{i}.json");
                await File.WriteAllTextAsync(path, TopologyJson(clusterId, FreePort.Next(), targetBandwidth), cancellationToken).ConfigureAwait(false);
                cluster._nodes.Add(await ServeProcess.StartAsync(path, environment, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            // The nodes already started must not outlive the caller.
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>The folder of a region's store.</summary>
    public string StorePath(string region) => Directory.Combine("data", "regions", region);

    /// <summary>The region's store, as the registry serving it reads and writes it.</summary>
    public FileSystemRegionStore Store(string region) => new(region, StorePath(region));

    /// <summary>Every node's output, each under a header.</summary>
    public string Outputs(Func<ServeProcess, string>? select = null) =>
        string.Join('\n', _nodes.Select((n, i) => $"--- node {i} ---\n{(select ?? (node => node.Output))(n)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (ServeProcess node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        Directory.Dispose();
    }

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
                listen = "http://127.0.0.1:0",
                dataDirectory = "data",
                persistence = new { provider = "postgres", connectionString = "env:GEOSYNC_PG" },
                cluster = new { id = clusterId, siloPort, advertisedAddress = "127.0.0.1" },
            },
            regions = new[] { Region("eu", 1), Region("us", 2), Region("ap", 3) },
            rules = new[] { new { name = "eu-out", sources = new[] { "eu" }, targets = Targets, repositories = new[] { "**" } } },
        });
    }
}
