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
/// regions, SQLite) — concurrent HTTP clients each sending one-event envelopes (manifest pushes of images already in
/// the source store, over ~100 repositories, the tag alternating between two digests so each event is real work
/// while copies deduplicate). Baseline, in the same run and process: the same load against a bare Kestrel endpoint
/// that reads the body and answers 202 (this machine's HTTP ceiling). Then how long the grains need to catch up.
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

        Result baseline = await MeasureBaselineAsync(clients, seconds, repositories, cancellationToken);
        Console.WriteLine($"baseline (bare Kestrel 202) {Line(baseline)}");

        var observer = new CompletionCounter();
        await using BenchEngine bench = await BenchEngine.StartAsync(["eu", "us", "ap"], observer, cancellationToken);
        var images = new[] { SyntheticImage.Create("intake-a"), SyntheticImage.Create("intake-b") };
        for (int r = 0; r < repositories; r++)
        {
            foreach (SyntheticImage image in images)
            {
                await image.PushToAsync(bench.Store("eu"), Repository(r), tag: null, cancellationToken);
            }
        }

        // Warm-up (JIT, connections, grain activations, SQLite caches), not counted; the baseline gets the same.
        await MeasureAsync(bench.BaseAddress, BenchEngine.TokenOf("eu"), clients, 1, repositories, images, cancellationToken);
        Result engine = await MeasureAsync(bench.BaseAddress, BenchEngine.TokenOf("eu"), clients, seconds, repositories, images, cancellationToken);
        Console.WriteLine($"geosync intake               {Line(engine)}");
        Console.WriteLine($"ratio intake/baseline {engine.EventsPerSecond / baseline.EventsPerSecond:0.00}; {engine.EventsPerSecond:N0} events/s = {engine.EventsPerSecond / 5000:0.00}x the goal of 5,000 events/s durable");

        // Catching up: the inbox drained and every repository's last tag move completed in both targets.
        IEventInbox inbox = bench.Engine.Database.Inbox;
        long pendingAtEnd = await inbox.CountPendingAsync(cancellationToken);
        var catchUp = Stopwatch.StartNew();
        long pending = pendingAtEnd;
        while (pending > 0 && catchUp.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, cancellationToken);
            pending = await inbox.CountPendingAsync(cancellationToken);
        }

        Console.WriteLine(pending == 0
            ? $"inbox pending when the load stopped: {pendingAtEnd:N0}; drained after {catchUp.Elapsed.TotalSeconds:0.0} s; region completions observed: {observer.Count:N0}"
            : $"inbox pending when the load stopped: {pendingAtEnd:N0}; still {pending:N0} pending after 30 s: the grains do NOT keep up; region completions observed: {observer.Count:N0}");
        return 0;
    }

    private static string Repository(int r) => $"bench/app{r:000}";

    private static async Task<Result> MeasureBaselineAsync(int clients, double seconds, int repositories, CancellationToken cancellationToken)
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
        try
        {
            var images = new[] { SyntheticImage.Create("intake-a"), SyntheticImage.Create("intake-b") };
            await MeasureAsync(new Uri(app.Urls.First() + "/"), "token-eu", clients, 1, repositories, images, cancellationToken);
            return await MeasureAsync(new Uri(app.Urls.First() + "/"), "token-eu", clients, seconds, repositories, images, cancellationToken);
        }
        finally
        {
            await app.StopAsync(cancellationToken);
        }
    }

    private static async Task<Result> MeasureAsync(Uri address, string token, int clients, double seconds, int repositories, SyntheticImage[] images, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = address };
        var latencies = new List<double>[clients];
        int failures = 0;
        long sequence = 0;
        DateTimeOffset start = DateTimeOffset.UtcNow;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(
            async () =>
            {
                List<double> mine = latencies[c] = [];
                while (stopwatch.Elapsed < duration)
                {
                    long n = Interlocked.Increment(ref sequence);
                    // Increasing timestamps (a microsecond apart) so every event is newer than the last for its tag.
                    string envelope = GeoSyncClient.PushEnvelope(Repository((int)(n % repositories)), "latest", images[(n / repositories) % 2].Root, start.AddTicks(n * 10), Guid.NewGuid().ToString());
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
        return new Result(all.Length / elapsed, BenchEngine.Percentile(all, 0.50), BenchEngine.Percentile(all, 0.99), failures, cpu / elapsed);
    }

    private static string Line(Result r) =>
        $"{r.EventsPerSecond,8:N0} events/s   p50 {r.P50,6:0.0} ms   p99 {r.P99,6:0.0} ms   non-202 {r.Failures}   {r.CoresUsed:0.00} cores busy (clients included)";

    private sealed record Result(double EventsPerSecond, double P50, double P99, int Failures, double CoresUsed);

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
