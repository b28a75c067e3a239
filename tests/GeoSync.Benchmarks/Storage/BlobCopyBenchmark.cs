using System.Diagnostics;
using System.Globalization;
using GeoSync.Domain.Content;
using GeoSync.Storage.FileSystem;
using GeoSync.Storage.Layout;
using GeoSync.Testing;
using GeoSync.Testing.Registry;

namespace GeoSync.Benchmarks.Storage;

/// <summary>
/// Copies one large blob (1 GiB by default; <c>--size-mib N</c>) between two filesystem region stores through the
/// driver — the streaming write path (read, hash, write, fsync, verify, rename) and the server-side path (kernel
/// copy, hash, fsync, verify, rename) — and copies the same file with <c>cp</c> in the same run, the disk's limit.
/// Each is run 3 times, interleaved, and the median is reported; targets are deleted between runs, and the page
/// cache is left as it is (the source stays cached for every contender alike). The driver fsyncs before it makes a
/// blob visible and <c>cp</c> does not, so <c>cp</c> followed by <c>sync</c> of the copy is shown too; and <c>cp</c>
/// (coreutils 9) copies inside the kernel, so <c>dd bs=1M</c>, a plain user-space read/write copy, shows what any
/// copy that passes the bytes through a process (as the streaming path must, to hash them) pays. Memory: the
/// process's peak resident set (VmHWM) and the bytes the GC allocated during the driver's copies.
/// </summary>
public sealed class BlobCopyBenchmark : IBenchmark
{
    private const int Runs = 3;

    public string Name => "blob-copy";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        long sizeMib = Option(args, "--size-mib") ?? 1024;
        long size = sizeMib * 1024 * 1024;
        using var directory = new TestDirectory("blob-copy-bench");
        var source = new FileSystemRegionStore("source", directory.Combine("source"));
        var target = new FileSystemRegionStore("target", directory.Combine("target"));

        const ulong seed = 0x6765_6f73_796e_63;
        Console.WriteLine($"generating {sizeMib} MiB in {directory.Path} ...");
        Digest digest = GeneratedContentStream.DigestOf(size, seed);
        await source.WriteBlobAsync(digest, new GeneratedContentStream(size, seed), size, cancellationToken);
        string sourceFile = Path.Combine(source.RootPath, DistributionLayout.BlobData(digest));
        string targetFile = Path.Combine(target.RootPath, DistributionLayout.BlobData(digest));
        string cpTarget = directory.Combine("cp-copy");

        long rssBefore = ProcessMemory.ResidentBytes() ?? 0;
        var times = new Dictionary<string, List<double>> { ["cp"] = [], ["cp+sync"] = [], ["dd bs=1M"] = [], ["streamed"] = [], ["server-side"] = [] };
        long allocatedByDriver = 0;
        for (int run = 0; run < Runs; run++)
        {
            times["cp"].Add(await TimeAsync(() => ExternalProcess.RunAsync("cp", [sourceFile, cpTarget], cancellationToken: cancellationToken)));
            File.Delete(cpTarget);
            times["cp+sync"].Add(await TimeAsync(async () =>
            {
                await ExternalProcess.RunAsync("cp", [sourceFile, cpTarget], cancellationToken: cancellationToken);
                await ExternalProcess.RunAsync("sync", [cpTarget], cancellationToken: cancellationToken);
            }));
            File.Delete(cpTarget);
            times["dd bs=1M"].Add(await TimeAsync(() =>
                ExternalProcess.RunAsync("dd", [$"if={sourceFile}", $"of={cpTarget}", "bs=1M", "status=none"], cancellationToken: cancellationToken)));
            File.Delete(cpTarget);

            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            times["streamed"].Add(await TimeAsync(async () =>
            {
                await using Stream content = await source.OpenBlobAsync(digest, cancellationToken);
                Expect(size, await target.WriteBlobAsync(digest, content, size, cancellationToken));
            }));
            File.Delete(targetFile);
            times["server-side"].Add(await TimeAsync(async () =>
                Expect(size, await target.CopyBlobServerSideAsync(source, digest, size, cancellationToken))));
            File.Delete(targetFile);
            allocatedByDriver += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        }

        Report(sizeMib, size, times, rssBefore, allocatedByDriver);
        return 0;
    }

    private static void Report(long sizeMib, long size, Dictionary<string, List<double>> times, long rssBefore, long allocatedByDriver)
    {
        double Rate(string name) => size / 1e6 / Median(times[name]);
        double cp = Rate("cp");
        double cpSync = Rate("cp+sync");
        Console.WriteLine($"{sizeMib} MiB blob, median of {Runs} runs each (MB = 10^6 bytes); runs in seconds:");
        foreach ((string name, List<double> seconds) in times)
        {
            Console.WriteLine(Invariant($"  {name,-12} {Rate(name),7:0} MB/s   [{string.Join(", ", seconds.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)))}]"));
        }

        double dd = Rate("dd bs=1M");
        string Ratio(string name) => Invariant($"{Rate(name):0} MB/s = {Rate(name) / cp:0.00}x cp ({Rate(name) / cpSync:0.00}x cp+sync, {Rate(name) / dd:0.00}x dd)");
        long peak = ProcessMemory.PeakResidentBytes() ?? 0;
        Console.WriteLine($"streamed: {Ratio("streamed")}; server-side: {Ratio("server-side")}; " + Invariant(
            $"peak RSS {peak / 1048576.0:0} MiB (RSS before copying {rssBefore / 1048576.0:0} MiB); GC allocated during {Runs * 2} driver copies {allocatedByDriver / 1048576.0:0.0} MiB"));
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var stopwatch = Stopwatch.StartNew();
        await action();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static void Expect(long expected, long written)
    {
        if (written != expected)
        {
            throw new InvalidOperationException($"the driver wrote {written} bytes, expected {expected}: the target was not empty");
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static long? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? long.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
