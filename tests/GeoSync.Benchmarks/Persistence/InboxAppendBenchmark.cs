using System.Diagnostics;
using System.Globalization;
using GeoSync.Persistence;
using GeoSync.Testing.Postgres;

namespace GeoSync.Benchmarks.Persistence;

/// <summary>
/// <c>inbox-append</c>: durable event intake as the HTTP intake drives it — many concurrent callers, one event per
/// append. Measures group commit against the baseline of one transaction (one flush) per event, in the same run
/// and on the same disk: the baseline is the very same writer with <see cref="PersistenceOptions.MaxBatchSize"/> = 1.
/// SQLite always; PostgreSQL too (a durable local server: fsync and synchronous commit on) unless <c>--sqlite-only</c>.
/// Options: <c>--dir=PATH</c> where the SQLite files go (default: the temp folder; choose the disk you deploy on), <c>--seconds=N</c> per measurement (default 5), <c>--appenders=N</c> (default 64).
/// </summary>
public sealed class InboxAppendBenchmark : IBenchmark
{
    public string Name => "inbox-append";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        double seconds = Option(args, "--seconds", 5);
        int appenders = (int)Option(args, "--appenders", 64);
        Console.WriteLine($"load average {ProcSelf.LoadAverage()} (other processes share these cores)");
        Console.WriteLine($"{appenders} concurrent appenders, one event per append, {seconds:0.#} s per measurement, {Environment.ProcessorCount} cores");

        string folder = args.FirstOrDefault(a => a.StartsWith("--dir=", StringComparison.Ordinal))?["--dir=".Length..]
            ?? Path.Combine(Path.GetTempPath(), "geosync-bench");
        string run = Path.Combine(folder, $"inbox-{Guid.NewGuid():N}");
        Console.WriteLine($"SQLite files in {run}");
        try
        {
            Result group = await MeasureAsync(new() { ConnectionString = $"Data Source={Path.Combine(run, "group.db")}" }, appenders, seconds, cancellationToken);
            Result single = await MeasureAsync(new() { ConnectionString = $"Data Source={Path.Combine(run, "single.db")}", MaxBatchSize = 1 }, appenders, seconds, cancellationToken);
            Report("sqlite", group, single);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }

        if (!args.Contains("--sqlite-only"))
        {
            var server = new PostgresServer { Durable = true };
            await server.InitializeAsync();
            try
            {
                Result group = await MeasureAsync(new() { Provider = PersistenceOptions.Postgres, ConnectionString = await server.CreateDatabaseAsync("group", cancellationToken) }, appenders, seconds, cancellationToken);
                Result single = await MeasureAsync(new() { Provider = PersistenceOptions.Postgres, ConnectionString = await server.CreateDatabaseAsync("single", cancellationToken), MaxBatchSize = 1 }, appenders, seconds, cancellationToken);
                Report("postgres", group, single);
            }
            finally
            {
                await server.DisposeAsync();
            }
        }

        return 0;
    }

    private static async Task<Result> MeasureAsync(PersistenceOptions options, int appenders, double seconds, CancellationToken cancellationToken)
    {
        await using GeoSyncDatabase db = await GeoSyncDatabase.OpenAsync(options, cancellationToken: cancellationToken);
        var latencies = new List<double>[appenders];
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(
            async () =>
            {
                List<double> mine = latencies[a] = [];
                for (int i = 0; stopwatch.Elapsed < duration; i++)
                {
                    long started = Stopwatch.GetTimestamp();
                    await db.Inbox.AppendAsync([new InboxEvent($"a{a}-{i}", "eu", $"team/app{a % 16}", Payload, DateTimeOffset.UtcNow)], cancellationToken);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            },
            cancellationToken)));
        double elapsed = stopwatch.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        double[] all = [.. latencies.SelectMany(l => l).Order()];
        long stored = await db.Inbox.CountPendingAsync(cancellationToken);
        if (stored != all.Length)
        {
            throw new InvalidOperationException($"{all.Length} appends acknowledged but {stored} events stored");
        }

        return new Result(all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), cpu * 1e6 / all.Length, cpu / elapsed);
    }

    private static void Report(string engine, Result group, Result single)
    {
        Console.WriteLine($"{engine,-8} group commit         {Line(group)}");
        Console.WriteLine($"{engine,-8} one commit per event {Line(single)}");
        Console.WriteLine($"{engine,-8} ratio {group.EventsPerSecond / single.EventsPerSecond:0.0}x (goal: >= 5,000 events/s durable)");
    }

    private static string Line(Result r) =>
        $"{r.EventsPerSecond,8:N0} events/s   p50 {r.P50,6:0.0} ms   p99 {r.P99,6:0.0} ms   {r.CpuMicrosecondsPerEvent,5:0} us CPU/event   {r.CoresUsed:0.00} cores busy";

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    // "--name=value": the runner takes every argument not starting with '-' for a benchmark name.
    private static double Option(string[] args, string name, double fallback) =>
        args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
            ? double.Parse(arg[(name.Length + 1)..], CultureInfo.InvariantCulture)
            : fallback;

    // A typical distribution manifest-push event, about 700 bytes.
    private const string Payload =
        """{"id":"3b1f0a52-2d1e-4c7e-9d5a-8f6f2b1c0d9e","timestamp":"2026-03-01T12:00:00.000000000Z","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","size":1024,"length":1024,"repository":"team/app","url":"http://registry.eu:5000/v2/team/app/manifests/sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","tag":"v1.2.3"},"request":{"id":"5f2e1c3a-4b6d-4e8f-a1b2-c3d4e5f6a7b8","addr":"10.0.0.12:51234","host":"registry.eu:5000","method":"PUT","useragent":"containerd/1.7"},"actor":{"name":"ci"},"source":{"addr":"registry-eu-0:5000","instanceID":"c6f3e2a1-0b9d-4c8e-8f7a-6b5c4d3e2f1a"}}""";

    /// <param name="CpuMicrosecondsPerEvent">Process CPU time (user + system) per event: what the machine's other load cannot distort.</param>
    /// <param name="CoresUsed">CPU time over wall time: well below the core count means the run was starved by other processes.</param>
    private sealed record Result(double EventsPerSecond, double P50, double P99, double CpuMicrosecondsPerEvent, double CoresUsed);
}
