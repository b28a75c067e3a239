using System.Diagnostics;
using System.Text.Json;
using GeoSync.Benchmarks.Engine;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Storage.FileSystem;
using GeoSync.Testing;
using GeoSync.Testing.Nodes;

namespace GeoSync.Benchmarks.Scale;

/// <summary>
/// <c>scale</c>: many repositories on one node of the embedded default. Each repository holds a tiny image (one
/// 4 KiB layer of its own) written straight into the source region's store; <c>geosync serve</c> (its own process)
/// gets one push notification per repository and replicates into two empty regions. Reports events/s accepted, the
/// time until every repository is Synced in both targets against <c>cp -a</c> of the source store's tree in the
/// same run, the node's peak resident memory and CPU seconds, database bytes per repository, and the status API's
/// latency while it works (one repository, the regions' overview, and a page of the repositories that need attention).
/// Options: <c>--repositories=N</c> (default 10,000), <c>--clients=N</c> (default 64).
/// </summary>
public sealed class ScaleBenchmark : IBenchmark
{
    private const string Token = "scale-token";
    private static readonly TimeSpan SyncDeadline = TimeSpan.FromMinutes(30);

    public string Name => "scale";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int repositories = (int)BenchEngine.Option(args, "--repositories", 10_000);
        int clients = (int)BenchEngine.Option(args, "--clients", 64);
        Console.WriteLine($"load average {ProcSelf.LoadAverage()} (other processes share these cores); {Environment.ProcessorCount} cores");
        Console.WriteLine($"{repositories:N0} repositories, one tiny image each (a 4 KiB layer of its own), one notification each over {clients} clients; regions eu -> us, ap (filesystem, SQLite)");

        using var directory = new TestDirectory("scale");
        string topology = directory.Combine("topology.json");
        await File.WriteAllTextAsync(topology, TopologyJson(), cancellationToken);
        var eu = new FileSystemRegionStore("eu", directory.Combine("data", "regions", "eu"));
        var envelopes = new string[repositories];
        var written = Stopwatch.StartNew();
        await Parallel.ForAsync(0, repositories, cancellationToken, async (i, ct) =>
        {
            TestImage image = TestImage.Single($"scale-{i}", TestImage.Layer($"scale-layer-{i}", 4096));
            await image.PushToAsync(eu, Repository(i), "v1");
            envelopes[i] = GeoSyncClient.PushEnvelope(Repository(i), "v1", image.Root, DateTimeOffset.UtcNow, $"scale-{i}");
        });
        Console.WriteLine($"source store written in {written.Elapsed.TotalSeconds:0.0} s");

        TimeSpan copy = await CopyTreeAsync(directory.Combine("data", "regions", "eu"), directory.Combine("cp-a"), cancellationToken);
        Console.WriteLine($"baseline: cp -a of the source store's tree (blobs and links) and sync: {copy.TotalSeconds:0.00} s per target tree");

        var started = Stopwatch.StartNew();
        await using ServeProcess node = await ServeProcess.StartAsync(topology, new Dictionary<string, string> { ["TOKEN_EU"] = Token }, cancellationToken);
        Console.WriteLine($"geosync serve ready after {started.Elapsed.TotalSeconds:0.00} s");
        TimeSpan cpuAtStart = node.ProcessorTime;
        long memoryAtStart = node.PeakMemoryBytes;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var client = new GeoSyncClient(http);

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<StatusLatency> statusLatency = WatchStatusAsync(client, repositories, watching.Token);
        var clock = Stopwatch.StartNew();
        int next = -1;
        int refused = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(
            async () =>
            {
                var latencies = new List<double>();
                for (int i = Interlocked.Increment(ref next); i < repositories; i = Interlocked.Increment(ref next))
                {
                    if (await EventPost.SendAsync(http, Token, envelopes[i], latencies, cancellationToken) is { } answer && Interlocked.Increment(ref refused) == 1)
                    {
                        Console.WriteLine($"  first non-202 answer: {answer}");
                    }
                }
            },
            cancellationToken)));
        TimeSpan intake = clock.Elapsed;
        Console.WriteLine($"intake: {repositories:N0} events in {intake.TotalSeconds:0.0} s, {repositories / intake.TotalSeconds:N0} events/s accepted, {refused} refused");

        bool converged = await WaitSyncedAsync(client, repositories, cancellationToken);
        TimeSpan synced = clock.Elapsed;
        await watching.CancelAsync();
        StatusLatency latency = await statusLatency;
        if (!converged)
        {
            Console.WriteLine($"not every repository was Synced in us and ap within {SyncDeadline.TotalMinutes:0} min; node output:\n{node.Tail()}");
            return 1;
        }

        long missing = await CountMissingTagsAsync(directory, repositories, cancellationToken);
        double cpu = (node.ProcessorTime - cpuAtStart).TotalSeconds;
        long database = FileBytes(directory.Combine("data", "geosync.db"));
        long log = FileBytes(directory.Combine("data", "geosync.db-wal"));
        long peak = node.PeakMemoryBytes;
        Console.WriteLine($"every repository Synced in us and ap {synced.TotalSeconds:0.0} s after the first notification (tags missing in the target stores: {missing}); ratio to cp -a of one tree {synced / copy:0.00}, of the two target trees {synced / (2 * copy):0.00}");
        Console.WriteLine($"node: peak resident memory {peak / (1024.0 * 1024):N0} MiB, {memoryAtStart / (1024.0 * 1024):N0} MiB of it when ready ({(peak - memoryAtStart) / (double)repositories / 1024:N1} KiB per repository above that); {cpu:N1} CPU seconds ({cpu * 1e6 / repositories:N0} us per repository)");
        Console.WriteLine($"database: {database / (1024.0 * 1024):N1} MiB ({database / (double)repositories:N0} bytes per repository) and {log / (1024.0 * 1024):N1} MiB of write-ahead log");
        Console.WriteLine($"status API while replicating: GET /v1/repositories/{{name}} p50 {latency.RepositoryP50:0.0} ms p99 {latency.RepositoryP99:0.0} ms; GET /v1/regions p50 {latency.RegionsP50:0.0} ms p99 {latency.RegionsP99:0.0} ms; GET /v1/repositories?state=attention&limit=100 p50 {latency.AttentionP50:0.0} ms p99 {latency.AttentionP99:0.0} ms ({latency.Samples} samples each)");
        Console.WriteLine($"load average at the end {ProcSelf.LoadAverage()}");
        return missing == 0 ? 0 : 1;
    }

    private static string Repository(int i) => $"scale{i / 1000}/app{i}";

    private static async Task<bool> WaitSyncedAsync(GeoSyncClient client, int repositories, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < SyncDeadline)
        {
            IReadOnlyList<RegionOverview> regions = await client.ListRegionsAsync(cancellationToken: cancellationToken);
            if (regions.Where(r => r.Region is "us" or "ap").All(r => r.Synced >= repositories && r.Backlog == 0) && regions.Count(r => r.Region is "us" or "ap") == 2)
            {
                return true;
            }

            await Task.Delay(250, cancellationToken);
        }

        return false;
    }

    /// <summary>Times one repository's status, the regions' overview and a page of attention, back to back, until cancelled.</summary>
    private static async Task<StatusLatency> WatchStatusAsync(GeoSyncClient client, int repositories, CancellationToken cancellationToken)
    {
        var repository = new List<double>();
        var regions = new List<double>();
        var attention = new List<double>();
        var random = new Random(7);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    await client.GetRepositoryAsync(Repository(random.Next(repositories)), cancellationToken: cancellationToken);
                }
                catch (GeoSyncApiException ex) when (ex.Status == 404)
                {
                    // Not yet notified: the answer still counts.
                }

                repository.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                await client.ListRegionsAsync(cancellationToken: cancellationToken);
                regions.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                started = Stopwatch.GetTimestamp();
                await client.ListRepositoryPageAsync(new RepositoryPageQuery { State = RepositoryListRequest.Attention, Limit = 100 }, cancellationToken: cancellationToken);
                attention.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                await Task.Delay(200, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        double[] a = [.. repository.Order()];
        double[] b = [.. regions.Order()];
        double[] c = [.. attention.Order()];
        return new StatusLatency(
            BenchEngine.Percentile(a, 0.5), BenchEngine.Percentile(a, 0.99),
            BenchEngine.Percentile(b, 0.5), BenchEngine.Percentile(b, 0.99),
            BenchEngine.Percentile(c, 0.5), BenchEngine.Percentile(c, 0.99),
            Math.Min(a.Length, Math.Min(b.Length, c.Length)));
    }

    private static async Task<long> CountMissingTagsAsync(TestDirectory directory, int repositories, CancellationToken cancellationToken)
    {
        long missing = 0;
        foreach (string region in new[] { "us", "ap" })
        {
            var store = new FileSystemRegionStore(region, directory.Combine("data", "regions", region));
            for (int i = 0; i < repositories; i++)
            {
                if (await store.ReadTagAsync(Domain.Names.RepositoryName.Parse(Repository(i)), Domain.Names.Tag.Parse("v1"), cancellationToken) is null)
                {
                    missing++;
                }
            }
        }

        return missing;
    }

    private static async Task<TimeSpan> CopyTreeAsync(string from, string to, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await GeoSync.Testing.Registry.ExternalProcess.RunAsync("cp", ["-a", from, to], cancellationToken: cancellationToken);
        await GeoSync.Testing.Registry.ExternalProcess.RunAsync("sync", [], cancellationToken: cancellationToken);
        TimeSpan elapsed = clock.Elapsed;
        Directory.Delete(to, recursive: true);
        return elapsed;
    }

    private static long FileBytes(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static string TopologyJson() => JsonSerializer.Serialize(new
    {
        version = 1,
        engine = new { listen = "http://127.0.0.1:0", dataDirectory = "data" },
        regions = new object[]
        {
            new { name = "eu", priority = 1, store = new { kind = "filesystem", path = "regions/eu" }, registry = new { notificationToken = "env:TOKEN_EU" } },
            new { name = "us", priority = 2, store = new { kind = "filesystem", path = "regions/us" } },
            new { name = "ap", priority = 3, store = new { kind = "filesystem", path = "regions/ap" } },
        },
        rules = new[] { new { name = "eu-out", sources = new[] { "eu" }, targets = new[] { "us", "ap" }, repositories = new[] { "**" } } },
    });

    private sealed record StatusLatency(double RepositoryP50, double RepositoryP99, double RegionsP50, double RegionsP99, double AttentionP50, double AttentionP99, int Samples);
}
