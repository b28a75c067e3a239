using System.Globalization;
using System.Text.Json;
using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;
using GeoSync.Host.Client;
using GeoSync.Host.Hosting;
using GeoSync.Host.Web;
using GeoSync.Persistence;
using GeoSync.Storage;
using GeoSync.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GeoSync.Benchmarks.Engine;

/// <summary>
/// A real engine in this process on the embedded default (filesystem region stores, SQLite) with its HTTP host on a
/// loopback port; region <c>r</c>'s notification token is <c>token-r</c>, supplied as an <c>env:</c> reference.
/// </summary>
public sealed class BenchEngine : IAsyncDisposable
{
    private readonly Dictionary<string, IRegionStore> _stores = [];

    private BenchEngine(TestDirectory directory) => Directory = directory;

    public TestDirectory Directory { get; }

    public WebApplication App { get; private set; } = null!;

    /// <summary>The engine's database.</summary>
    public GeoSyncDatabase Database => App.Services.GetRequiredService<GeoSyncDatabase>();

    public Uri BaseAddress { get; private set; } = null!;

    public IRegionStore Store(string region) => _stores[region];

    public static string TokenOf(string region) => $"token-{region}";

    /// <summary>Writes a topology of <paramref name="regions"/> (the first is the only source, every other a target) and starts the engine.</summary>
    public static async Task<BenchEngine> StartAsync(string[] regions, IReplicationObserver? observer, CancellationToken cancellationToken = default)
    {
        var bench = new BenchEngine(new TestDirectory("engine-bench"));
        string path = bench.Directory.Combine("topology.json");
        await File.WriteAllTextAsync(path, TopologyJson(regions), cancellationToken);
        RegionTopology topology = RegionTopology.Parse(path, await File.ReadAllTextAsync(path, cancellationToken));
        var node = new GeoSyncNode(topology, name => name.StartsWith("TOKEN_", StringComparison.Ordinal) ? TokenOf(name["TOKEN_".Length..].ToLowerInvariant()) : null);
        WebApplicationBuilder builder = GeoSyncWebHost.CreateBuilder(node, "http://127.0.0.1:0");
        builder.Services.Configure<NodeOptions>(o => o.PeriodicReconciliation = false);
        if (observer is not null)
        {
            builder.Services.AddSingleton(observer);
        }

        // The stores as the engine opens them, kept to read what arrived.
        builder.Services.Replace(ServiceDescriptor.Singleton<IRegionStoreFactory>(sp =>
            new KeepingStoreFactory(new RegionStoreFactory(node.BaseDirectory, node.Secrets, sp.GetRequiredService<ILoggerFactory>()), bench._stores)));
        bench.App = GeoSyncWebHost.Build(builder);
        await bench.App.StartAsync(cancellationToken);
        bench.BaseAddress = new Uri(bench.App.Urls.First() + "/");
        return bench;
    }

    /// <summary>A client of the engine's API.</summary>
    public GeoSyncClient Client(HttpClient http) => new(http);

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        Directory.Dispose();
    }

    private static string TopologyJson(string[] regions) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["version"] = 1,
        ["engine"] = new { listen = "http://127.0.0.1:0", dataDirectory = "data" },
        ["regions"] = regions.Select((r, i) => new Dictionary<string, object?>
        {
            ["name"] = r,
            ["priority"] = i + 1,
            ["store"] = new { kind = "filesystem", path = $"regions/{r}" },
            ["registry"] = new { domains = new { @public = $"{r}.registry.test" }, notificationToken = $"env:TOKEN_{r.ToUpperInvariant()}" },
        }),
        ["links"] = Array.Empty<object>(),
        ["rules"] = new[]
        {
            new Dictionary<string, object?>
            {
                ["name"] = "bench",
                ["sources"] = new[] { regions[0] },
                ["targets"] = regions.Skip(1).ToArray(),
                ["repositories"] = new[] { "**" },
                ["tags"] = new { include = new[] { ".*" }, exclude = Array.Empty<string>() },
                ["deletes"] = true,
                ["referrers"] = true,
            },
        },
    });

    private sealed class KeepingStoreFactory(IRegionStoreFactory inner, Dictionary<string, IRegionStore> stores) : IRegionStoreFactory
    {
        public IRegionStore Open(Region region) => stores[region.Name] = inner.Open(region);
    }

    /// <summary>"--name=value" (the runner takes every argument not starting with '-' for a benchmark name).</summary>
    public static double Option(string[] args, string name, double fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
            ? double.Parse(arg[(name.Length + 1)..], CultureInfo.InvariantCulture)
            : fallback;

    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
