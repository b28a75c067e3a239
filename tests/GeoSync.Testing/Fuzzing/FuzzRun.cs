using System.Globalization;

namespace GeoSync.Testing.Fuzzing;

/// <summary>
/// A seeded fuzz run: each case draws from its own <see cref="Random"/> derived from the run's seed and the case's
/// number, so one case is reproduced without replaying the others. Findings name the seed and the case.
/// </summary>
public sealed class FuzzRun(int seed)
{
    /// <summary>The environment variable that overrides a test's default seed.</summary>
    public const string SeedVariable = "GEOSYNC_FUZZ_SEED";

    private readonly List<string> _findings = [];

    public int Seed { get; } = seed;

    /// <summary>What went wrong, one line per case (the first ones are kept in full).</summary>
    public IReadOnlyList<string> Findings => _findings;

    /// <summary>The seed from <see cref="SeedVariable"/>, else <paramref name="defaultSeed"/>.</summary>
    public static FuzzRun FromEnvironment(int defaultSeed) =>
        new(int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : defaultSeed);

    /// <summary>The random source of case <paramref name="caseNumber"/>.</summary>
    public Random RandomFor(int caseNumber) => new(unchecked((Seed * 1_000_003) + caseNumber));

    /// <summary>Records a finding of case <paramref name="caseNumber"/>.</summary>
    public void Report(int caseNumber, string what)
    {
        lock (_findings)
        {
            _findings.Add($"case {caseNumber}: {what}");
        }
    }

    /// <summary>A summary of the findings for an assertion message: the seed, how to reproduce, the first findings.</summary>
    public string Summary(string name, int cases, int shown = 15) =>
        $"{name}: {_findings.Count} findings in {cases} cases, seed {Seed} (reproduce with {SeedVariable}={Seed}){Environment.NewLine}" +
        string.Join(Environment.NewLine, _findings.Take(shown).Select(f => "  " + f));
}
