using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Host.Client;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Benchmarks.Engine;

/// <summary>
/// <c>push-latency</c>: push→Synced latency of a small image (one 4 KiB layer, config, manifest; unique per
/// iteration) to 2 target regions on filesystem stores: write the image into the source store as a registry push
/// would, POST the notification, and stop the clock when the observer has heard that BOTH targets are Synced.
/// Baseline, in the same run: <c>skopeo copy</c> of the same kind of image (built with umoci) from a real source
/// docker-registry to two real target registries, the two copies in parallel, timed until both finish.
/// Options: <c>--iterations=N</c> (default 50).
/// </summary>
public sealed class PushLatencyBenchmark : IBenchmark
{
    public string Name => "push-latency";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int iterations = (int)BenchEngine.Option(args, "--iterations", 50);
        Console.WriteLine($"load average {ProcSelf.LoadAverage()} (other processes share these cores); {Environment.ProcessorCount} cores");
        Console.WriteLine($"{iterations} iterations, sequential; one unique image each (4 KiB layer + config + manifest); 2 target regions");

        double[] skopeo = await MeasureSkopeoAsync(iterations, cancellationToken);
        double[] geosync = await MeasureGeoSyncAsync(iterations, cancellationToken);
        Console.WriteLine($"geosync push->Synced (both targets)   {Line(geosync)}");
        Console.WriteLine($"skopeo copy to 2 registries (parallel) {Line(skopeo)}");
        double p50 = BenchEngine.Percentile(geosync, 0.50);
        Console.WriteLine(Invariant($"ratio geosync p50 / skopeo p50 = {p50 / BenchEngine.Percentile(skopeo, 0.50):0.00}; geosync p50 {p50:0.0} ms vs goal <= 250 ms: {(p50 <= 250 ? "met" : "NOT met")}"));
        Console.WriteLine($"load average after {ProcSelf.LoadAverage()}");
        return 0;
    }

    private static async Task<double[]> MeasureGeoSyncAsync(int iterations, CancellationToken cancellationToken)
    {
        var observer = new SyncedObserver();
        await using BenchEngine bench = await BenchEngine.StartAsync(["eu", "us", "ap"], observer, cancellationToken);
        using var http = new HttpClient { BaseAddress = bench.BaseAddress };
        GeoSyncClient client = bench.Client(http);
        var times = new List<double>();
        // One warm-up iteration (JIT, first grain activation, SQLite caches), not counted.
        for (int i = -1; i < iterations; i++)
        {
            string repository = $"bench/latency{(i + 1) % 8}";
            string tag = $"v{i + 1}";
            SyntheticImage image = SyntheticImage.Create($"latency-{Guid.NewGuid():N}");
            Task synced = observer.Expect(repository, tag, 2);
            long started = Stopwatch.GetTimestamp();
            await image.PushToAsync(bench.Store("eu"), repository, tag, cancellationToken);
            await client.PostEventsAsync(BenchEngine.TokenOf("eu"), GeoSyncClient.PushEnvelope(repository, tag, image.Root, DateTimeOffset.UtcNow), cancellationToken);
            await synced.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            if (i >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return [.. times.Order()];
    }

    private static async Task<double[]> MeasureSkopeoAsync(int iterations, CancellationToken cancellationToken)
    {
        foreach (string binary in new[] { "docker-registry", "skopeo", "umoci" })
        {
            if (!OnPath(binary))
            {
                throw new InvalidOperationException($"'{binary}' is not on PATH: the skopeo baseline needs docker-registry, skopeo and umoci (run tests/infra/install.sh)");
            }
        }

        using var directory = new TestDirectory("push-latency-bench");
        await using RegistryServer source = await RegistryServer.StartAsync(directory.Combine("source"), cancellationToken: cancellationToken);
        await using RegistryServer us = await RegistryServer.StartAsync(directory.Combine("us"), cancellationToken: cancellationToken);
        await using RegistryServer ap = await RegistryServer.StartAsync(directory.Combine("ap"), cancellationToken: cancellationToken);
        using var skopeo = new Skopeo();

        // Images are built (umoci) and pushed to the source before timing: only the replication is measured.
        OciLayout layout = await OciLayout.CreateAsync(directory.Combine("layout"), cancellationToken);
        for (int i = -1; i < iterations; i++)
        {
            string content = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000)); // ~4 KiB
            await layout.AddImageAsync($"v{i + 1}", [new Dictionary<string, string> { ["data.bin"] = content }], new Platform("linux", "amd64"), cancellationToken);
            await skopeo.PushAsync(layout, $"v{i + 1}", source, "bench/latency", $"v{i + 1}", cancellationToken);
        }

        var times = new List<double>();
        for (int i = -1; i < iterations; i++)
        {
            string from = $"docker://{source.Address}/bench/latency:v{i + 1}";
            long started = Stopwatch.GetTimestamp();
            await Task.WhenAll(
                skopeo.CopyAsync(from, $"docker://{us.Address}/bench/latency:v{i + 1}", preserveDigests: true, cancellationToken),
                skopeo.CopyAsync(from, $"docker://{ap.Address}/bench/latency:v{i + 1}", preserveDigests: true, cancellationToken));
            if (i >= 0)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        return [.. times.Order()];
    }

    private static bool OnPath(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, binary)));

    private static string Line(double[] sorted) => Invariant(
        $"p50 {BenchEngine.Percentile(sorted, 0.50),7:0.0} ms   p99 {BenchEngine.Percentile(sorted, 0.99),7:0.0} ms   max {sorted[^1],7:0.0} ms   min {sorted[0],6:0.0} ms");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Completes a task when the expected number of regions have reported an image Synced.</summary>
    private sealed class SyncedObserver : IReplicationObserver
    {
        private readonly ConcurrentDictionary<string, (TaskCompletionSource Done, int[] Remaining)> _pending = new();

        public Task Expect(string repository, string tag, int regions)
        {
            var entry = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new[] { regions });
            _pending[$"{repository}:{tag}"] = entry;
            return entry.Item1.Task;
        }

        public Task RegionCompletedAsync(RegionImageNotice notice, CancellationToken cancellationToken = default)
        {
            if (!notice.Deleted && _pending.TryGetValue($"{notice.Repository}:{notice.Tag}", out var entry) && Interlocked.Decrement(ref entry.Remaining[0]) == 0)
            {
                entry.Done.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
