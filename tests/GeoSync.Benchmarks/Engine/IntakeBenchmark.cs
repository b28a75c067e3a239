using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GeoSync.Domain.Events;
using GeoSync.Host.Client;
using GeoSync.Persistence;
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
/// repository's last pushed digest.
/// Options: <c>--seconds=N</c> (default 10), <c>--clients=N</c> (default 64), <c>--repositories=N</c> (default 100).
/// </summary>
public sealed class IntakeBenchmark : IBenchmark
{
    public string Name => "intake";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        double seconds = BenchEngine.Option(args, "--seconds", 10);
        int clients = (int)BenchEngine.Option(args, "--clients", 64);
        int repositories = (int)BenchEngine.Option(args, "--repositories", 100);
        Console.WriteLine($"load average {BenchEngine.LoadAverage()} (other processes share these cores); {Environment.ProcessorCount} cores");
        Console.WriteLine($"{clients} concurrent HTTP clients, one event per request, {seconds:0.#} s per measurement, {repositories} repositories");
        var images = new[] { SyntheticImage.Create("intake-a"), SyntheticImage.Create("intake-b") };

        Result baseline = await MeasureBaselineAsync(clients, seconds, repositories, images, cancellationToken);
        Console.WriteLine($"baseline (bare Kestrel 202) {Line(baseline)}");

        var observer = new CompletionCounter();
        await using BenchEngine bench = await BenchEngine.StartAsync(["eu", "us", "ap"], observer, cancellationToken);
        var registry = new SourceRegistry(((GeoSync.Storage.FileSystem.FileSystemRegionStore)bench.Store("eu")).RootPath, repositories, images);
        await registry.SeedAsync(bench.Store("eu"), cancellationToken);

        // Warm-up (JIT, connections, grain activations, SQLite caches), not counted; the baseline gets the same.
        await MeasureAsync(bench.BaseAddress, BenchEngine.TokenOf("eu"), clients, 1, registry, cancellationToken);
        Result engine = await MeasureAsync(bench.BaseAddress, BenchEngine.TokenOf("eu"), clients, seconds, registry, cancellationToken);
        Console.WriteLine($"geosync intake               {Line(engine)}");
        Console.WriteLine($"ratio intake/baseline {engine.EventsPerSecond / baseline.EventsPerSecond:0.00}; {engine.EventsPerSecond:N0} events/s = {engine.EventsPerSecond / 5000:0.00}x the goal of 5,000 events/s durable");

        // Catching up: the inbox drained, and every target region holds every repository's last pushed digest.
        IEventInbox inbox = bench.Engine.Database.Inbox;
        long pendingAtEnd = await inbox.CountPendingAsync(cancellationToken);
        var catchUp = Stopwatch.StartNew();
        TimeSpan deadline = TimeSpan.FromSeconds(60);
        long pending = pendingAtEnd;
        while (pending > 0 && catchUp.Elapsed < deadline)
        {
            await Task.Delay(50, cancellationToken);
            pending = await inbox.CountPendingAsync(cancellationToken);
        }

        TimeSpan drained = catchUp.Elapsed;
        int behind = await registry.RegionsBehindAsync([bench.Store("us"), bench.Store("ap")], cancellationToken);
        while (behind > 0 && catchUp.Elapsed < deadline)
        {
            await Task.Delay(50, cancellationToken);
            behind = await registry.RegionsBehindAsync([bench.Store("us"), bench.Store("ap")], cancellationToken);
        }

        Console.WriteLine($"inbox pending when the load stopped: {pendingAtEnd:N0}, drained after {drained.TotalSeconds:0.0} s");
        Console.WriteLine(behind == 0
            ? $"every target region held every repository's last digest {catchUp.Elapsed.TotalSeconds:0.0} s after the load stopped; region syncs completed: {observer.Count:N0} for {registry.EventsAccepted:N0} accepted events (the rest were superseded while waiting: latest wins)"
            : $"{behind} (repository, region) pairs still behind after {deadline.TotalSeconds:0} s: the engine does NOT keep up");
        return behind == 0 && pending == 0 ? 0 : 1;
    }

    private static async Task<Result> MeasureBaselineAsync(int clients, double seconds, int repositories, SyntheticImage[] images, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication app = builder.Build();
        app.MapPost("/v1/events", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            await reader.ReadToEndAsync(context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });
        await app.StartAsync(cancellationToken);
        using var directory = new GeoSync.Testing.TestDirectory("intake-baseline");
        var registry = new SourceRegistry(directory.Path, repositories, images);
        await registry.SeedAsync(new GeoSync.Storage.FileSystem.FileSystemRegionStore("eu", directory.Path), cancellationToken);
        try
        {
            await MeasureAsync(new Uri(app.Urls.First() + "/"), "token-eu", clients, 1, registry, cancellationToken);
            return await MeasureAsync(new Uri(app.Urls.First() + "/"), "token-eu", clients, seconds, registry, cancellationToken);
        }
        finally
        {
            await app.StopAsync(cancellationToken);
        }
    }

    private static async Task<Result> MeasureAsync(Uri address, string token, int clients, double seconds, SourceRegistry registry, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address };
        var latencies = new List<double>[clients];
        int failures = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
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
                    using var request = new HttpRequestMessage(HttpMethod.Post, "v1/events") { Content = new StringContent(envelope, Encoding.UTF8) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(NotificationEnvelope.MediaTypeV1);
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    long started = Stopwatch.GetTimestamp();
                    using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    else if (Interlocked.Increment(ref failures) == 1)
                    {
                        Console.WriteLine($"  first non-202 answer: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    }
                }
            },
            cancellationToken)));
        double elapsed = stopwatch.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        double[] all = [.. latencies.SelectMany(l => l).Order()];
        registry.EventsAccepted += all.Length;
        return new Result(all.Length, all.Length / elapsed, BenchEngine.Percentile(all, 0.50), BenchEngine.Percentile(all, 0.99), failures, cpu / elapsed);
    }

    private static string Line(Result r) =>
        $"{r.EventsPerSecond,8:N0} events/s   p50 {r.P50,6:0.0} ms   p99 {r.P99,6:0.0} ms   non-202 {r.Failures}   {r.CoresUsed:0.00} cores busy (clients included)";

    private sealed record Result(long Events, double EventsPerSecond, double P50, double P99, int Failures, double CoresUsed);

    /// <summary>Counts region completions (to show the grains did the work).</summary>
    private sealed class CompletionCounter : GeoSync.Grains.Replication.IReplicationObserver
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public Task RegionCompletedAsync(GeoSync.Grains.Replication.RegionImageNotice notice, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }
    }
}
