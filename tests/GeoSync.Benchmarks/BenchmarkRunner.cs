namespace GeoSync.Benchmarks;

/// <summary>
/// Runs the benchmarks named on the command line (all when none is named) and prints each one's figures
/// next to its baseline measured in the same run.
/// </summary>
public static class BenchmarkRunner
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Benchmarks = new(StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        string[] selected = args.Length == 0 ? [.. Benchmarks.Keys] : args;
        foreach (string name in selected)
        {
            if (!Benchmarks.TryGetValue(name, out Func<string[], Task<int>>? run))
            {
                await Console.Error.WriteLineAsync($"unknown benchmark '{name}'; known: {string.Join(", ", Benchmarks.Keys)}");
                return 2;
            }

            int code = await run(args);
            if (code != 0)
            {
                return code;
            }
        }

        return 0;
    }
}
