using System.Diagnostics;
using System.Globalization;
using System.Text;
using GeoSync.Benchmarks.Engine;
using GeoSync.Host.Client;
using GeoSync.Testing;
using GeoSync.Testing.Fuzzing;

namespace GeoSync.Benchmarks.Fuzzing;

/// <summary>
/// The suite's fuzz tests for longer: <c>--cases=N</c> mutated inputs of each kind (envelopes through a running
/// engine's intake, manifests and indexes through the parser and image-graph builder, topology files through the
/// validator), seeded by <c>--seed=S</c> (random when absent, always printed). Exit code 1 when anything was found.
/// </summary>
public sealed class FuzzBenchmark : IBenchmark
{
    public string Name => "fuzz";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int cases = Option(args, "--cases") ?? 10_000;
        var run = new FuzzRun(Option(args, "--seed") ?? Random.Shared.Next());
        Console.WriteLine($"seed {run.Seed}, {cases} cases of each kind");

        TestImage single = TestImage.Single("fuzz", TestImage.Layer("fuzz", 64));
        TestImage index = TestImage.Index(TestImage.Single("a", "amd64", TestImage.Layer("a", 32)), TestImage.Single("b", "arm64", TestImage.Layer("b", 32)));
        (string, string)[] manifests =
        [
            (Encoding.UTF8.GetString(single.Blobs[single.Root.Digest]), single.Root.MediaType),
            (Encoding.UTF8.GetString(index.Blobs[index.Root.Digest]), index.Root.MediaType),
        ];
        var clock = Stopwatch.StartNew();
        await ParserFuzzer.ManifestsAsync(run, manifests, cases);
        Console.WriteLine($"manifests: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s, {run.Findings.Count} findings so far");

        string root = RepositoryRoot();
        string[] topologies = [.. Directory.GetFiles(Path.Combine(root, "topology"), "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Append(Path.Combine(root, "appsettings.regions.json")).Select(File.ReadAllText)];
        clock.Restart();
        ParserFuzzer.Topologies(run, topologies, cases, firstCase: cases);
        Console.WriteLine($"topologies: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s, {run.Findings.Count} findings so far");

        await using (BenchEngine engine = await BenchEngine.StartAsync(["eu", "us"], observer: null, cancellationToken))
        {
            using var http = new HttpClient { BaseAddress = engine.BaseAddress };
            string[] envelopes = [GeoSyncClient.PushEnvelope("fuzz/app", "v1", single.Root, DateTimeOffset.UtcNow)];
            clock.Restart();
            await IntakeFuzzer.RunAsync(run, http, BenchEngine.TokenOf("eu"), envelopes, cases, firstCase: 2 * cases, cancellationToken);
            Console.WriteLine($"intake: {cases} cases in {clock.Elapsed.TotalSeconds:0.0} s ({cases / clock.Elapsed.TotalSeconds:0} requests/s)");
        }

        Console.WriteLine(run.Summary("fuzz", 3 * cases, shown: 50));
        return run.Findings.Count == 0 ? 0 : 1;
    }

    private static int? Option(string[] args, string name) =>
        args.Where(a => a.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(a => (int?)int.Parse(a[(name.Length + 1)..], CultureInfo.InvariantCulture))
            .LastOrDefault();

    private static string RepositoryRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "GeoSync.sln")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException("GeoSync.sln not found above " + AppContext.BaseDirectory);
    }
}
