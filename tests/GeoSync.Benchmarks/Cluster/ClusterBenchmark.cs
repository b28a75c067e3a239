using System.Diagnostics;
using GeoSync.Benchmarks.Engine;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Storage;
using GeoSync.Testing;
using GeoSync.Testing.Postgres;
using Npgsql;

namespace GeoSync.Benchmarks.Cluster;

/// <summary>
/// <c>cluster</c>: three <c>geosync serve</c> nodes against one, on this machine, sharing one real PostgreSQL with
/// its durable defaults (fsync and synchronous commit on). Concurrent HTTP clients play the source registry as in
/// <c>intake</c> (each push moves a repository's tag <c>latest</c> between two small images already in <c>eu</c>) and
/// send each push's event to the next node in turn. Figures: durable events/s accepted (a fixed number of events,
/// after a warm-up), and the time from the first of them until every target region (<c>us</c>, <c>ap</c>, filesystem)
/// holds every repository's last pushed digest, checked afterwards against the status API (Synced in both). Each
/// configuration starts fresh (new database, new regions, new nodes); rounds alternate the two, and the medians of
/// the figures and of the per-round ratios "N nodes / 1 node" are reported.
/// Options: <c>--nodes=N</c> (default 3), <c>--events=N</c> (default 10000), <c>--clients=N</c> (default 64),
/// <c>--repositories=N</c> (default 100), <c>--rounds=N</c> (default 2), <c>--warmup=S</c> (default 10 s),
/// <c>--connections=N</c> (PostgreSQL connections shared by the nodes' pools, default 90).
/// </summary>
public sealed class ClusterBenchmark : IBenchmark
{
    private static readonly TimeSpan SyncDeadline = TimeSpan.FromSeconds(180);

    public string Name => "cluster";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var settings = new Settings(
            Nodes: Math.Max(2, (int)BenchEngine.Option(args, "--nodes", 3)),
            Events: (int)BenchEngine.Option(args, "--events", 10000),
            Clients: (int)BenchEngine.Option(args, "--clients", 64),
            Repositories: (int)BenchEngine.Option(args, "--repositories", 100),
            Warmup: BenchEngine.Option(args, "--warmup", 10),
            ConnectionsInAll: (int)BenchEngine.Option(args, "--connections", 90));
        int rounds = Math.Max(1, (int)BenchEngine.Option(args, "--rounds", 2));
        Console.WriteLine($"load average {ProcSelf.LoadAverage()} (other processes share these cores); {Environment.ProcessorCount} cores");
        Console.WriteLine($"{settings.Nodes} nodes vs 1, each a `geosync serve` process; {settings.Clients} concurrent HTTP clients sending one event per request round-robin over the nodes; "
            + $"{settings.Events:N0} events per measurement after {settings.Warmup:0.#} s of warm-up; {settings.Repositories} repositories; {rounds} rounds, alternating");

        var postgres = new PostgresServer { Durable = true };
        try
        {
            await postgres.InitializeAsync();
            Console.WriteLine($"PostgreSQL {await ServerVersionAsync(postgres, cancellationToken)} on port {postgres.Port}, durable defaults (fsync on, synchronous_commit on, max_connections 100); "
                + $"the nodes' pools share {settings.ConnectionsInAll} connections (Maximum Pool Size {PoolSize(settings, 1)} for 1 node, {PoolSize(settings, settings.Nodes)} for {settings.Nodes}: a node has two pools)");
            var single = new List<Figures>();
            var many = new List<Figures>();
            for (int round = 1; round <= rounds; round++)
            {
                // Alternating which goes first, so a machine getting busier or quieter weighs on both alike.
                int[] order = round % 2 == 1 ? [1, settings.Nodes] : [settings.Nodes, 1];
                foreach (int nodes in order)
                {
                    Figures? figures = await MeasureConfigurationAsync(postgres, nodes, settings, cancellationToken);
                    if (figures is null)
                    {
                        return 1;
                    }

                    Console.WriteLine($"round {round}: {Label(nodes),-8} {figures}");
                    (nodes == 1 ? single : many).Add(figures);
                }

                Console.WriteLine($"round {round}: ratio {settings.Nodes} nodes / 1 node: events/s {many[^1].EventsPerSecond / single[^1].EventsPerSecond:0.00}, time until Synced {many[^1].SyncedAfter / single[^1].SyncedAfter:0.00}");
            }

            Console.WriteLine($"median over {rounds} rounds: 1 node {Median(single.Select(f => f.EventsPerSecond)):N0} events/s, Synced after {Median(single.Select(f => f.SyncedAfter)):0.0} s; "
                + $"{settings.Nodes} nodes {Median(many.Select(f => f.EventsPerSecond)):N0} events/s, Synced after {Median(many.Select(f => f.SyncedAfter)):0.0} s");
            Console.WriteLine($"median ratio {settings.Nodes} nodes / 1 node: events/s {Median(many.Zip(single, (m, s) => m.EventsPerSecond / s.EventsPerSecond)):0.00}, "
                + $"time until Synced {Median(many.Zip(single, (m, s) => m.SyncedAfter / s.SyncedAfter)):0.00} (every node, PostgreSQL and the clients share {Environment.ProcessorCount} cores)");
            Console.WriteLine($"load average after {ProcSelf.LoadAverage()}");
            return 0;
        }
        finally
        {
            await postgres.DisposeAsync();
        }
    }

    /// <summary>One configuration from scratch: a new database and regions, <paramref name="nodes"/> nodes, warm-up, then the measurement.</summary>
    private static async Task<Figures?> MeasureConfigurationAsync(PostgresServer postgres, int nodes, Settings settings, CancellationToken cancellationToken)
    {
        // A node holds two pools of this connection string (GeoSync's data source and Orleans' ADO.NET providers), each
        // of Npgsql's default 100: it can ask for more than PostgreSQL's default max_connections (100), even alone.
        // The nodes share the connections instead, as an operator would size them.
        string database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync($"cluster{nodes}", cancellationToken))
        {
            MaxPoolSize = PoolSize(settings, nodes),
        }.ConnectionString;
        await using BenchCluster cluster = await BenchCluster.StartAsync(nodes, database, settings.Clients, cancellationToken);
        SyntheticImage[] images = [SyntheticImage.Create("cluster-a"), SyntheticImage.Create("cluster-b")];
        var registry = new SourceRegistry(cluster.Store("eu").RootPath, settings.Repositories, images);
        await registry.SeedAsync(cluster.Store("eu"), cancellationToken);

        // Warm-up, not counted: JIT and PGO, connections, grain activations on their nodes, the first copy of each blob.
        var warmup = TimeSpan.FromSeconds(settings.Warmup);
        Stopwatch clock = Stopwatch.StartNew();
        await SendAsync(cluster, registry, settings.Clients, () => clock.Elapsed < warmup, cancellationToken);
        if (await WaitSyncedAsync(cluster, registry, clock, cancellationToken) is null)
        {
            Console.WriteLine($"{Label(nodes)}: the target regions did not catch up after the warm-up within {SyncDeadline.TotalSeconds:0} s; first errors:\n{cluster.FirstErrors()}\nlast lines:\n{cluster.Tails()}");
            return null;
        }

        string load = ProcSelf.LoadAverage();
        TimeSpan cpuBefore = cluster.ProcessorTime;
        int issued = 0;
        clock.Restart();
        Load sent = await SendAsync(cluster, registry, settings.Clients, () => Interlocked.Increment(ref issued) <= settings.Events, cancellationToken);
        if (await WaitSyncedAsync(cluster, registry, clock, cancellationToken) is not { } synced)
        {
            Console.WriteLine($"{Label(nodes)}: the target regions did not hold every last digest within {SyncDeadline.TotalSeconds:0} s; first errors:\n{cluster.FirstErrors()}\nlast lines:\n{cluster.Tails()}");
            return null;
        }

        double nodesCpu = (cluster.ProcessorTime - cpuBefore).TotalSeconds;
        if (sent.Failures > 0)
        {
            Console.WriteLine($"{Label(nodes)}: {sent.Failures} requests were not answered 202; the nodes' first logged errors:\n{cluster.FirstErrors()}");
        }

        await AssertReportedSyncedAsync(cluster, registry, cancellationToken);
        return new Figures(sent, synced.TotalSeconds, 1e6 * nodesCpu / Math.Max(1, sent.Accepted), load);
    }

    /// <summary>Clients push and notify while <paramref name="another"/> allows; each repository is pushed by one client, in order.</summary>
    private static async Task<Load> SendAsync(BenchCluster cluster, SourceRegistry registry, int clients, Func<bool> another, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[clients];
        int failures = 0;
        int next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(
            async () =>
            {
                List<double> mine = latencies[c] = [];
                int[] owned = [.. Enumerable.Range(0, registry.Repositories).Where(r => r % clients == c)];
                for (int i = 0; owned.Length > 0 && another(); i++)
                {
                    string envelope = registry.Push(owned[i % owned.Length]);
                    HttpClient http = cluster.Http((int)((uint)Interlocked.Increment(ref next) % (uint)cluster.Nodes.Count));
                    if (await EventPost.SendAsync(http, cluster.Token, envelope, mine, cancellationToken) is { } refused && Interlocked.Increment(ref failures) == 1)
                    {
                        Console.WriteLine($"  first non-202 answer: {refused}");
                    }
                }
            },
            cancellationToken)));
        double[] all = [.. latencies.SelectMany(l => l).Order()];
        return new Load(all.Length, clock.Elapsed.TotalSeconds, BenchEngine.Percentile(all, 0.50), BenchEngine.Percentile(all, 0.99), failures);
    }

    /// <summary>Polls the target stores until every repository's tag is at its last pushed digest; the time on <paramref name="clock"/> then, or null.</summary>
    private static async Task<TimeSpan?> WaitSyncedAsync(BenchCluster cluster, SourceRegistry registry, Stopwatch clock, CancellationToken cancellationToken)
    {
        IRegionStore[] targets = [.. BenchCluster.Targets.Select(cluster.Store)];
        TimeSpan deadline = clock.Elapsed + SyncDeadline;
        while (await registry.RegionsBehindAsync(targets, cancellationToken) > 0)
        {
            if (clock.Elapsed > deadline)
            {
                return null;
            }

            await Task.Delay(50, cancellationToken);
        }

        return clock.Elapsed;
    }

    /// <summary>The engine agrees: every repository's tag, asked of the node in turn, is at the source's digest and Synced in both targets.</summary>
    private static async Task AssertReportedSyncedAsync(BenchCluster cluster, SourceRegistry registry, CancellationToken cancellationToken)
    {
        IRegionStore eu = cluster.Store("eu");
        for (int r = 0; r < registry.Repositories; r++)
        {
            string repository = SourceRegistry.Repository(r);
            Digest? source = await eu.ReadTagAsync(RepositoryName.Parse(repository), Tag.Parse("latest"), cancellationToken);
            var client = new GeoSyncClient(cluster.Http(r % cluster.Nodes.Count));
            await Eventually.HoldsAsync(
                async () =>
                {
                    RepositoryStatus status;
                    try
                    {
                        status = await client.GetRepositoryAsync(repository, cancellationToken: cancellationToken);
                    }
                    catch (GeoSyncApiException ex) when (ex.Status == 503)
                    {
                        // The repository's grain is being activated elsewhere: ask again.
                        return false;
                    }

                    TagStatus? tag = status.Tags.FirstOrDefault(t => t.Tag == "latest");
                    return tag is not null && tag.Digest == source?.ToString()
                        && BenchCluster.Targets.All(region => tag.Regions.Any(x => x.Region == region && x.State == "Synced"));
                },
                TimeSpan.FromSeconds(30),
                $"{repository}:latest reported Synced in {string.Join(" and ", BenchCluster.Targets)}");
        }
    }

    private static async Task<string> ServerVersionAsync(PostgresServer postgres, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return connection.ServerVersion;
    }

    private static int PoolSize(Settings settings, int nodes) => Math.Max(1, settings.ConnectionsInAll / (2 * nodes));

    private static string Label(int nodes) => nodes == 1 ? "1 node" : $"{nodes} nodes";

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Settings(int Nodes, int Events, int Clients, int Repositories, double Warmup, int ConnectionsInAll);

    private sealed record Load(int Accepted, double Seconds, double P50, double P99, int Failures);

    private sealed record Figures(Load Sent, double SyncedAfter, double NodesCpuMicrosecondsPerEvent, string LoadAverage)
    {
        public double EventsPerSecond => Sent.Accepted / Sent.Seconds;

        public override string ToString() =>
            $"{EventsPerSecond,7:N0} durable events/s ({Sent.Accepted:N0} in {Sent.Seconds:0.0} s, p50 {Sent.P50:0.0} ms, p99 {Sent.P99:0.0} ms, non-202 {Sent.Failures}); "
            + $"every repository Synced in us and ap {SyncedAfter:0.0} s after the first event ({SyncedAfter - Sent.Seconds:0.0} s after the last answer); "
            + $"nodes' CPU {NodesCpuMicrosecondsPerEvent:0} us per event; load average before {LoadAverage}";
    }
}
