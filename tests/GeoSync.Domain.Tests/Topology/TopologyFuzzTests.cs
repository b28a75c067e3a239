using GeoSync.Testing.Fuzzing;

namespace GeoSync.Domain.Tests.Topology;

/// <summary>
/// Mutated topology files (seeded: <see cref="FuzzRun.SeedVariable"/> overrides the seed) through the validator:
/// only <see cref="GeoSync.Domain.Topology.TopologyValidationException"/> may escape.
/// </summary>
public sealed class TopologyFuzzTests
{
    public const int Cases = 1500;

    [Fact]
    public void Parse_MutatedTopologies_ThrowOnlyTopologyValidationErrors()
    {
        string[] topologies =
        [
            SampleTopology.Json,
            File.ReadAllText(TopologyFiles.DefaultTopology),
            .. Directory.GetFiles(Path.Combine(TopologyFiles.RepositoryRoot, "topology"), "*.json")
                .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal))
                .Select(File.ReadAllText),
        ];
        FuzzRun run = FuzzRun.FromEnvironment(defaultSeed: 19);
        ParserFuzzer.Topologies(run, topologies, Cases);
        Assert.True(run.Findings.Count == 0, run.Summary("topology fuzz", Cases));
    }
}
