using GeoSync.Domain.Content;
using GeoSync.Testing.Fuzzing;
using static GeoSync.Domain.Tests.Content.ManifestFixtures;

namespace GeoSync.Domain.Tests.Content;

/// <summary>
/// Mutated manifests and indexes (seeded: <see cref="FuzzRun.SeedVariable"/> overrides the seed) through the
/// manifest parser and the image-graph builder: only their documented exceptions may escape.
/// </summary>
public sealed class ManifestParserFuzzTests
{
    public const int Cases = 2000;

    private static readonly (string Json, string MediaType)[] Manifests =
    [
        (OciManifest, MediaTypes.OciManifest),
        (DockerManifest, MediaTypes.DockerManifest),
        (OciIndex, MediaTypes.OciIndex),
        (DockerManifestList, MediaTypes.DockerManifestList),
        (CosignSignature, MediaTypes.OciManifest),
        (SpdxSbom, MediaTypes.OciManifest),
        (HelmChart, MediaTypes.OciManifest),
        (OciArtifactManifest, MediaTypes.OciArtifactManifest),
        (UnknownMediaType, "application/vnd.example.unknown+json"),
    ];

    [Fact]
    public async Task Parse_MutatedManifests_ThrowOnlyManifestFormatOrImageGraphErrors()
    {
        FuzzRun run = FuzzRun.FromEnvironment(defaultSeed: 19);
        await ParserFuzzer.ManifestsAsync(run, Manifests, Cases);
        Assert.True(run.Findings.Count == 0, run.Summary("manifest fuzz", Cases));
    }
}
