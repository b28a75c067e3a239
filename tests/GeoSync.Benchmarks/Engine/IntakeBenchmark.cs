using System.Diagnostics;
using System.Text;
using GeoSync.Host.Client;
using GeoSync.Persistence;
using GeoSync.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GeoSync.Benchmarks.Engine;

/// <summary>
/// <c>intake</c>: sustained durable event intake through <c>POST /v1/events</c> of a real engine (3 filesystem
/// regions, SQLite) while it replicates. Concurrent HTTP clients play the source registry: each owns some of ~100
/// repositories and, per push, moves the repository's tag <c>latest</c> in the source store between two images (as
/// the registry does, by rewriting the tag's link) and sends that push's one-event envelope; so every event is real
/// work (a tag move for 2 target regions) while copies deduplicate. Baseline, in the same run and process: the same
/// clients, tag writes included, against a bare Kestrel endpoint that reads the body and answers 202 (this machine's
/// HTTP ceiling). Then how long the engine needs, after the load stops, until every target region holds every
/// repository's last pushed digest. Baseline and engine alternate for several rounds (other tenants of a shared
/// machine then weigh on both alike) and the medians are reported.
/// Options: <c>--seconds=N</c> (default 10), <c>--clients=N</c> (default 64), <c>--repositories=N</c> (default 100),
/// <c>--rounds=N</c> (default 3), <c>--warmup=S</c> (default 10 s per side).
/// </summary>
public sealed class IntakeBenchmark : IBenchmark
{
    public string Name => "intake";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        double seconds = BenchEngine.Option(args, "--seconds", 10);
        int clients = (int)BenchEngine.Option(args, "--clients", 64);
        int repositories = (int)BenchEngine.Option(args, "--repositories", 100);
        int rounds = Math.Max(1, (int)BenchEngine.Option(args, "--rounds", 3));
        double warmup = BenchEngine.Option(args, "--warmup", 10);
        Console.WriteLine($"load average {ProcSelf.LoadAverage()} (other processes share these cores); {Environment.ProcessorCount} cores");
        Console.WriteLine($"{clients} concurrent HTTP clients, one event per request, {seconds:0.#} s per measurement, {repositories} repositories, {rounds} rounds (baseline, then engine, then catch-up) after {warmup:0.#} s of warm-up each");
        var images = new[] { SyntheticImage.Create("intake-a"), SyntheticImage.Create("intake-b") };

        await using BaselineServer baselineServer = await BaselineServer.StartAsync(repositories, images, cancellationToken);
        var observer = new CompletionCounter();
        await using BenchEngine bench = await BenchEngine.StartAsync(["eu", "us", "ap"], observer, cancellationToken);
        var registry = new SourceRegistry(((GeoSync.Storage.FileSystem.FileSystemRegionStore)bench.Store("eu")).RootPath, repositories, images);
        await registry.SeedAsync(bench.Store("eu"), cancellationToken);

        // Warm-up, not counted; the baseline gets the same. "Sustained" is the steady state: tiered JIT and dynamic
        // PGO keep improving both sides for tens of seconds after start (a bare Kestrel doubles its rate), and
        // connections, grain activations and SQLite caches fill.
        await MeasureAsync(baselineServer.Address, "token-eu", clients, warmup, baselineServer.Registry, cancellationToken);
        await MeasureAsync(bench.BaseAddress, BenchEngine.TokenOf("eu"), clients, warmup, registry, cancellationToken);
        if (await CatchUpAsync(bench, registry, cancellationToken) is not { Converged: true })
        {
            Console.WriteLine("the engine did not catch up after the warm-up");
            return 1;
        }

        // Rounds alternate, so other tenants of this machine weigh on both sides alike; each engine measurement starts
        // with the engine caught up, and the figures reported are the medians.
        using var commits = new CommitStats();
        var ratios = new List<double>();
        var rates = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            Result baseline = await MeasureAsync(baselineServer.Address, "token-eu", clients, seconds, baselineServer.Registry, cancellationToken);
            Console.WriteLine($"round {round}: baseline (bare Kestrel 202) {Line(baseline)}");
            commits.Reset();
            var measured = Stopwatch.StartNew();
            Result engine = await MeasureAsync(bench.BaseAddress, BenchEngine.TokenOf("eu"), clients, seconds, registry, cancellationToken);
            Console.WriteLine($"round {round}: geosync intake               {Line(engine)}   ratio {engine.EventsPerSecond / baseline.EventsPerSecond:0.00}");
            Console.WriteLine($"round {round}: group commit meanwhile: {commits.Take(measured.Elapsed)}");
            CatchUp catchUp = await CatchUpAsync(bench, registry, cancellationToken);
            Console.WriteLine(catchUp.Converged
                ? $"round {round}: inbox pending when the load stopped {catchUp.PendingAtEnd:N0}, drained after {catchUp.Drained.TotalSeconds:0.0} s; every target region held every repository's last digest after {catchUp.ConvergedAfter.TotalSeconds:0.0} s"
                : $"round {round}: {catchUp.Behind} (repository, region) pairs still behind after {CatchUpDeadline.TotalSeconds:0} s: the engine does NOT keep up");
            if (!catchUp.Converged)
            {
                return 1;
            }

            ratios.Add(engine.EventsPerSecond / baseline.EventsPerSecond);
            rates.Add(engine.EventsPerSecond);
        }

        double rate = Median(rates);
        Console.WriteLine($"median over {rounds} rounds: {rate:N0} durable events/s, ratio intake/baseline {Median(ratios):0.00}; {rate / 5000:0.00}x the goal of 5,000 events/s durable");
        Console.WriteLine($"region syncs completed: {observer.Count:N0} for {registry.EventsAccepted:N0} accepted events (the rest were superseded while waiting: latest wins)");
        return 0;
    }

    private static readonly TimeSpan CatchUpDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Waits until the inbox is drained and every target region holds every repository's last pushed digest.</summary>
    private static async Task<CatchUp> CatchUpAsync(BenchEngine bench, SourceRegistry registry, CancellationToken cancellationToken)
    {
        IEventInbox inbox = bench.Database.Inbox;
        long pendingAtEnd = await inbox.CountPendingAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        long pending = pendingAtEnd;
        while (pending > 0 && clock.Elapsed < CatchUpDeadline)
        {
            await Task.Delay(50, cancellationToken);
            pending = await inbox.CountPendingAsync(cancellationToken);
        }

        TimeSpan drained = clock.Elapsed;
        IRegionStore[] targets = [bench.Store("us"), bench.Store("ap")];
        int behind = await registry.RegionsBehindAsync(targets, cancellationToken);
        while (behind > 0 && clock.Elapsed < CatchUpDeadline)
        {
            await Task.Delay(50, cancellationToken);
            behind = await registry.RegionsBehindAsync(targets, cancellationToken);
        }

        return new CatchUp(pending == 0 && behind == 0, pendingAtEnd, drained, clock.Elapsed, behind);
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record CatchUp(bool Converged, long PendingAtEnd, TimeSpan Drained, TimeSpan ConvergedAfter, int Behind);

    /// <summary>The baseline: a bare Kestrel endpoint that reads the body and answers 202, with its own simulated source registry.</summary>
    private sealed class BaselineServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly GeoSync.Testing.TestDirectory _directory;

        private BaselineServer(WebApplication app, GeoSync.Testing.TestDirectory directory, SourceRegistry registry)
        {
            _app = app;
            _directory = directory;
            Registry = registry;
        }

        public Uri Address => new(_app.Urls.First() + "/");

        public SourceRegistry Registry { get; }

        public static async Task<BaselineServer> StartAsync(int repositories, SyntheticImage[] images, CancellationToken cancellationToken)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            WebApplication app = builder.Build();
            app.MapPost("/v1/events", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                await reader.ReadToEndAsync(context.RequestAborted);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            });
            await app.StartAsync(cancellationToken);
            var directory = new GeoSync.Testing.TestDirectory("intake-baseline");
            var registry = new SourceRegistry(directory.Path, repositories, images);
            await registry.SeedAsync(new GeoSync.Storage.FileSystem.FileSystemRegionStore("eu", directory.Path), cancellationToken);
            return new BaselineServer(app, directory, registry);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _directory.Dispose();
        }
    }

    private static async Task<Result> MeasureAsync(Uri address, string token, int clients, double seconds, SourceRegistry registry, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address };
        var latencies = new List<double>[clients];
        int failures = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        int gen0Before = GC.CollectionCount(0);
        long writtenBefore = BytesWrittenToStorage();
        var stopwatch = Stopwatch.StartNew();
        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(
            async () =>
            {
                List<double> mine = latencies[c] = [];
                // Each client owns repositories c, c + clients, ...: one repository's pushes are sequential, as a
                // registry's writes to one tag are, so the source's tag always ends on the last event's digest.
                int[] owned = [.. Enumerable.Range(0, registry.Repositories).Where(r => r % clients == c)];
                for (int i = 0; owned.Length > 0 && stopwatch.Elapsed < duration; i++)
                {
                    string envelope = registry.Push(owned[i % owned.Length]);
                    if (await EventPost.SendAsync(http, token, envelope, mine, cancellationToken) is { } refused && Interlocked.Increment(ref failures) == 1)
                    {
                        Console.WriteLine($"  first non-202 answer: {refused}");
                    }
                }
            },
            cancellationToken)));
        double elapsed = stopwatch.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        int collections = GC.CollectionCount(0) - gen0Before;
        long written = BytesWrittenToStorage() - writtenBefore;
        double[] all = [.. latencies.SelectMany(l => l).Order()];
        registry.EventsAccepted += all.Length;
        return new Result(all.Length, all.Length / elapsed, BenchEngine.Percentile(all, 0.50), BenchEngine.Percentile(all, 0.99), failures, cpu / elapsed, allocated, collections / elapsed, written);
    }

    private static string Line(Result r) =>
        $"{r.EventsPerSecond,8:N0} events/s   p50 {r.P50,6:0.0} ms   p99 {r.P99,6:0.0} ms   non-202 {r.Failures}   {r.CoresUsed:0.00} cores busy, {1e6 * r.CoresUsed / r.EventsPerSecond:0} us CPU per event (clients included), "
        + $"{r.AllocatedBytes / 1024.0 / Math.Max(1, r.Events):0.0} KiB allocated per event, {r.CollectionsPerSecond:0} gen0 GCs/s, {r.BytesWritten / 1024.0 / Math.Max(1, r.Events):0.0} KiB written to storage per event";

    /// <summary>Bytes this process has caused to be sent to storage (Linux <c>/proc/self/io</c>, <c>write_bytes</c>).</summary>
    private static long BytesWrittenToStorage() => ProcSelf.Field("io", "write_bytes:") ?? 0;

    private sealed record Result(long Events, double EventsPerSecond, double P50, double P99, int Failures, double CoresUsed, long AllocatedBytes, double CollectionsPerSecond, long BytesWritten);

    /// <summary>Counts region completions (to show the grains did the work).</summary>
    private sealed class CompletionCounter : GeoSync.Domain.Replication.IReplicationObserver
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public Task RegionCompletedAsync(GeoSync.Domain.Replication.RegionImageNotice notice, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
