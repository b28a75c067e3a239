using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;
using static GeoSync.Domain.Tests.Content.ManifestFixtures;

namespace GeoSync.Domain.Tests.Content;

public sealed class ManifestParserTests
{
    /// <summary>What a well-formed document must parse into.</summary>
    public sealed record Expected(
        string Json,
        string? Hint,
        ManifestKind Kind,
        string MediaType,
        string? Config,
        string[] Layers,
        string[] Manifests,
        string[] Blobs,
        string? Subject,
        string? ArtifactType,
        string? EffectiveArtifactType,
        string[] Platforms,
        bool IsIndex);

    private static readonly Dictionary<string, Expected> WellFormed = new()
    {
        ["OCI image manifest"] = new(OciManifest, null, ManifestKind.OciManifest, MediaTypes.OciManifest,
            ConfigDigest, [Layer1, Layer2, Layer3], [], [], null, null, MediaTypes.OciConfig, [], false),
        ["OCI image manifest, hint with parameters"] = new(OciManifest, MediaTypes.OciManifest + "; charset=utf-8",
            ManifestKind.OciManifest, MediaTypes.OciManifest, ConfigDigest, [Layer1, Layer2, Layer3], [], [], null, null,
            MediaTypes.OciConfig, [], false),
        ["Docker schema 2 manifest"] = new(DockerManifest, MediaTypes.DockerManifest, ManifestKind.DockerManifest,
            MediaTypes.DockerManifest, ConfigDigest, [Layer1, Layer2, Layer3], [], [], null, null, MediaTypes.DockerConfig, [], false),
        ["OCI index, three platforms"] = new(OciIndex, null, ManifestKind.OciIndex, MediaTypes.OciIndex,
            null, [], [ManifestPpc, ManifestAmd64, ManifestArm64], [], null, null, null,
            ["linux/ppc64le", "linux/amd64", "linux/arm64/v8"], true),
        ["Docker manifest list with Windows entry"] = new(DockerManifestList, null, ManifestKind.DockerManifestList,
            MediaTypes.DockerManifestList, null, [], [ManifestPpc, ManifestAmd64, ManifestArm64], [], null, null, null,
            ["linux/ppc64le", "linux/amd64", "windows/amd64"], true),
        ["cosign signature referrer"] = new(CosignSignature, null, ManifestKind.OciManifest, MediaTypes.OciManifest,
            EmptyDigest, [SignatureLayer], [], [], SubjectDigest, "application/vnd.dev.cosign.artifact.sig.v1+json",
            "application/vnd.dev.cosign.artifact.sig.v1+json", [], false),
        ["SPDX SBOM referrer of an index"] = new(SpdxSbom, MediaTypes.OciManifest, ManifestKind.OciManifest, MediaTypes.OciManifest,
            EmptyDigest, [SbomLayer], [], [], SubjectDigest, "application/spdx+json", "application/spdx+json", [], false),
        ["Helm chart without mediaType, hint given"] = new(HelmChart, MediaTypes.OciManifest, ManifestKind.OciManifest,
            MediaTypes.OciManifest, ChartConfig, [ChartContent], [], [], null, null, "application/vnd.cncf.helm.config.v1+json", [], false),
        ["Helm chart without mediaType, inferred"] = new(HelmChart, null, ManifestKind.OciManifest,
            MediaTypes.OciManifest, ChartConfig, [ChartContent], [], [], null, null, "application/vnd.cncf.helm.config.v1+json", [], false),
        ["OCI artifact manifest (1.1 rc)"] = new(OciArtifactManifest, null, ManifestKind.OciArtifactManifest,
            MediaTypes.OciArtifactManifest, null, [], [], [SbomLayer], SubjectDigest, "application/vnd.example.sbom.v1",
            "application/vnd.example.sbom.v1", [], false),
        ["unknown media type, opaque"] = new(UnknownMediaType, null, ManifestKind.Opaque, "application/vnd.example.bundle.v1+json",
            ChartConfig, [], [], [ChartContent], null, null, "application/vnd.example.bundle.config.v1+json", [], false),
        ["index without mediaType, inferred"] = new(
            """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","size":7682}]}""",
            null, ManifestKind.OciIndex, MediaTypes.OciIndex, null, [], [ManifestAmd64], [], null, null, null, [], true),
        ["opaque index-like document"] = new(
            """{"mediaType":"application/vnd.example.list.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270","size":7682}]}""",
            null, ManifestKind.Opaque, "application/vnd.example.list.v1+json", null, [], [ManifestAmd64], [], null, null, null, [], true),
        ["generic hint is no contradiction"] = new(OciManifest, "application/json", ManifestKind.OciManifest, MediaTypes.OciManifest,
            ConfigDigest, [Layer1, Layer2, Layer3], [], [], null, null, MediaTypes.OciConfig, [], false),
        ["OCI manifest with no layers"] = new(
            """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[],"artifactType":"application/vnd.example.flag"}""",
            null, ManifestKind.OciManifest, MediaTypes.OciManifest, EmptyDigest, [], [], [], null, "application/vnd.example.flag",
            "application/vnd.example.flag", [], false),
    };

    public static TheoryData<string> WellFormedNames => new(WellFormed.Keys);

    [Theory]
    [MemberData(nameof(WellFormedNames))]
    public void Parse_WellFormedDocument_ReadsKindAndEveryDescriptor(string name)
    {
        Expected expected = WellFormed[name];

        ManifestDocument document = ManifestParser.Parse(Encoding.UTF8.GetBytes(expected.Json), expected.Hint);

        Assert.Equal(expected.Kind, document.Kind);
        Assert.Equal(expected.MediaType, document.MediaType);
        Assert.Equal(expected.Config, document.Config?.Digest.ToString());
        Assert.Equal(expected.Layers, document.Layers.Select(d => d.Digest.ToString()));
        Assert.Equal(expected.Manifests, document.Manifests.Select(d => d.Digest.ToString()));
        Assert.Equal(expected.Blobs, document.Blobs.Select(d => d.Digest.ToString()));
        Assert.Equal(expected.Subject, document.Subject?.Digest.ToString());
        Assert.Equal(expected.ArtifactType, document.ArtifactType);
        Assert.Equal(expected.EffectiveArtifactType, document.EffectiveArtifactType);
        Assert.Equal(expected.Platforms, document.Platforms.Select(p => p.ToString()));
        Assert.Equal(expected.IsIndex, document.IsIndex);
        Assert.Equal(
            [.. (expected.Config is null ? Array.Empty<string>() : [expected.Config]), .. expected.Layers, .. expected.Blobs],
            document.BlobReferences.Select(d => d.Digest.ToString()));
    }

    [Fact]
    public void Parse_OciManifest_KeepsSizesMediaTypesAndAnnotations()
    {
        ManifestDocument document = ManifestParser.Parse(Encoding.UTF8.GetBytes(OciManifest), null);

        Assert.Equal(2, document.SchemaVersion);
        Assert.Equal(new Descriptor(MediaTypes.OciConfig, Digest.Parse(ConfigDigest), 7023), document.Config);
        Assert.Equal([32654L, 16724, 73109], document.Layers.Select(l => l.Size));
        Assert.All(document.Layers, l => Assert.Equal(MediaTypes.OciLayerTarGzip, l.MediaType));
        Assert.Equal("value1", document.Annotations["com.example.key1"]);
        Assert.Equal("value2", document.Annotations["com.example.key2"]);
    }

    [Fact]
    public void Parse_CosignSignature_KeepsLayerAnnotationsAndSubjectDescriptor()
    {
        ManifestDocument document = ManifestParser.Parse(Encoding.UTF8.GetBytes(CosignSignature), MediaTypes.OciManifest);

        Assert.Equal(Descriptor.EmptyJson, document.Config);
        Assert.StartsWith("MEUCIQ", document.Layers[0].Annotations!["dev.cosignproject.cosign/signature"], StringComparison.Ordinal);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, Digest.Parse(SubjectDigest), 1024), document.Subject);
    }

    [Fact]
    public void Parse_DockerManifestList_ReadsWindowsOsVersion()
    {
        ManifestDocument document = ManifestParser.Parse(Encoding.UTF8.GetBytes(DockerManifestList), null);

        Assert.Equal("10.0.17763.5576", document.Manifests[2].Platform!.OsVersion);
        Assert.Null(document.Manifests[1].Platform!.OsVersion);
    }

    [Fact]
    public void Parse_SameDocumentTwice_GivesEqualDescriptors()
    {
        ManifestDocument first = ManifestParser.Parse(Encoding.UTF8.GetBytes(CosignSignature), null);
        ManifestDocument second = ManifestParser.Parse(Encoding.UTF8.GetBytes(CosignSignature), null);

        // Annotations are compared by content, so descriptors parsed twice are equal (and usable as keys).
        Assert.Equal(first.Layers[0], second.Layers[0]);
        Assert.Equal(first.Layers[0].GetHashCode(), second.Layers[0].GetHashCode());
        Assert.NotEqual(first.Layers[0], first.Layers[0] with { Annotations = new Dictionary<string, string>() });
    }
}
