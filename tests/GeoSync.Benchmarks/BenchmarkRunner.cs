using System.Reflection;

namespace GeoSync.Benchmarks;

/// <summary>A benchmark: measures GeoSync and its baseline in the same run and prints both with their ratio.</summary>
public interface IBenchmark
{
    /// <summary>The name used on the command line, e.g. <c>blob-copy</c>.</summary>
    string Name { get; }

    /// <summary>Runs the benchmark; returns a process exit code.</summary>
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}

/// <summary>
/// Runs the benchmarks named on the command line (all when none is named). Every <see cref="IBenchmark"/> in this
/// assembly is found by reflection, so adding one is adding its class.
/// </summary>
public static class BenchmarkRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        Dictionary<string, IBenchmark> benchmarks = typeof(BenchmarkRunner).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
            .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
            .ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);

        // Names come first, options after them (options may take values: `blob-copy --size-mib 256`).
        string[] names = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        string[] selected = names.Length == 0 ? [.. benchmarks.Keys.Order(StringComparer.Ordinal)] : names;
        foreach (string name in selected)
        {
            if (!benchmarks.TryGetValue(name, out IBenchmark? benchmark))
            {
                await Console.Error.WriteLineAsync($"unknown benchmark '{name}'; known: {string.Join(", ", benchmarks.Keys)}");
                return 2;
            }

            Console.WriteLine($"== {benchmark.Name}");
            int code = await benchmark.RunAsync(args, CancellationToken.None);
            if (code != 0)
            {
                return code;
            }
        }

        return 0;
    }
}
