using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Names;

namespace GeoSync.Domain.Tests.Content;

public sealed class ReferrersTests
{
    private const string Hex = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";

    public static TheoryData<string, bool, string?, bool> Tags => new()
    {
        // tag, is a tag-scheme referrer, its suffix, is the referrers fallback tag
        { $"sha256-{Hex}.sig", true, "sig", false },
        { $"sha256-{Hex}.att", true, "att", false },
        { $"sha256-{Hex}.sbom", true, "sbom", false },
        { $"sha256-{Hex}.intoto.v1", true, "intoto.v1", false },
        { $"sha256-{Hex}", false, null, true },
        { $"sha256-{Hex}.", false, null, false },
        { $"sha256-{Hex}-sig", false, null, false },
        { $"sha256-{Hex[..63]}.sig", false, null, false },
        { $"sha256-{Hex.ToUpperInvariant()}.sig", false, null, false },
        { $"sha512-{Hex}.sig", false, null, false },
        { $"SHA256-{Hex}.sig", false, null, false },
        { "v1.2.3", false, null, false },
        { "latest", false, null, false },
    };

    [Theory]
    [MemberData(nameof(Tags))]
    public void IsTagSchemeReferrer_Tag_RecognisesSchemeAndSubject(string tag, bool isReferrer, string? suffix, bool isFallback)
    {
        bool referrer = Referrers.IsTagSchemeReferrer(Tag.Parse(tag), out Digest subject, out string? foundSuffix);
        bool fallback = Referrers.IsReferrersFallbackTag(Tag.Parse(tag), out Digest fallbackSubject);

        Assert.Equal(isReferrer, referrer);
        Assert.Equal(suffix, foundSuffix);
        Assert.Equal(isFallback, fallback);
        Assert.Equal(isReferrer || isFallback, Referrers.IsReferrerTag(Tag.Parse(tag)));
        Assert.Equal(isReferrer ? Digest.Parse("sha256:" + Hex) : default, subject);
        Assert.Equal(isFallback ? Digest.Parse("sha256:" + Hex) : default, fallbackSubject);
    }

    [Fact]
    public void TagFor_Subject_RoundTripsThroughIsTagSchemeReferrer()
    {
        Digest subject = Digest.Parse("sha256:" + Hex);

        Tag tag = Referrers.TagFor(subject, Referrers.SignatureSuffix);

        Assert.Equal($"sha256-{Hex}.sig", tag.Value);
        Assert.True(Referrers.IsTagSchemeReferrer(tag, out Digest back));
        Assert.Equal(subject, back);
        Assert.Equal($"sha256-{Hex}", Referrers.FallbackTagFor(subject).Value);
    }

    [Fact]
    public void IsReferrerOf_DocumentWithSubject_MatchesOnlyThatSubject()
    {
        ManifestDocument signature = ManifestParser.Parse(Encoding.UTF8.GetBytes(ManifestFixtures.CosignSignature), null);
        ManifestDocument image = ManifestParser.Parse(Encoding.UTF8.GetBytes(ManifestFixtures.OciManifest), null);

        Assert.True(Referrers.IsReferrerOf(signature, Digest.Parse(ManifestFixtures.SubjectDigest)));
        Assert.False(Referrers.IsReferrerOf(signature, Digest.Parse(ManifestFixtures.ConfigDigest)));
        Assert.False(Referrers.IsReferrerOf(image, Digest.Parse(ManifestFixtures.SubjectDigest)));
    }

    private const string Blob = "sha256:" + Hex;

    private static string Manifest(string? artifactType, string configMediaType, string? subject = Blob) =>
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""
        + (artifactType is null ? "" : $",\"artifactType\":\"{artifactType}\"")
        + $",\"config\":{{\"mediaType\":\"{configMediaType}\",\"digest\":\"{Blob}\",\"size\":2}}"
        + $",\"layers\":[{{\"mediaType\":\"application/octet-stream\",\"digest\":\"{Blob}\",\"size\":2}}]"
        + (subject is null ? "" : $",\"subject\":{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{subject}\",\"size\":2}}")
        + "}";

    public static TheoryData<string, string, string?, string?> ReferrerShapes => new()
    {
        // shape, manifest, tag it is stored under, the artifact type a gate knows it by
        { "cosign .sig (tag scheme, ordinary OCI image config)", Manifest(null, MediaTypes.OciConfig, subject: null), $"sha256-{Hex}.sig", "application/vnd.dev.cosign.artifact.sig.v1+json" },
        { "cosign .att (tag scheme)", Manifest(null, MediaTypes.OciConfig, subject: null), $"sha256-{Hex}.att", "application/vnd.dsse.envelope.v1+json" },
        { "cosign .sbom (tag scheme)", Manifest(null, MediaTypes.OciConfig, subject: null), $"sha256-{Hex}.sbom", "application/vnd.dev.cosign.artifact.sbom.v1+json" },
        { "cosign .sig with a Docker image config", Manifest(null, MediaTypes.DockerConfig, subject: null), $"sha256-{Hex}.sig", "application/vnd.dev.cosign.artifact.sig.v1+json" },
        { "tag scheme with a suffix cosign does not use", Manifest(null, MediaTypes.OciConfig, subject: null), $"sha256-{Hex}.intoto.v1", null },
        { "OCI 1.1 manifest with artifactType", Manifest("application/vnd.example.sbom+json", MediaTypes.OciEmpty), null, "application/vnd.example.sbom+json" },
        { "artifactType wins over the tag suffix", Manifest("application/spdx+json", MediaTypes.OciEmpty), $"sha256-{Hex}.sig", "application/spdx+json" },
        { "artifact with only config.mediaType", Manifest(null, "application/vnd.cncf.helm.config.v1+json"), null, "application/vnd.cncf.helm.config.v1+json" },
        { "Notation signature", Manifest("application/vnd.cncf.notary.signature", MediaTypes.OciEmpty), null, "application/vnd.cncf.notary.signature" },
        { "ordinary image with a subject, no tag", Manifest(null, MediaTypes.OciConfig), null, null },
        { "empty config, no artifactType", Manifest(null, MediaTypes.OciEmpty), null, null },
    };

    [Theory]
    [MemberData(nameof(ReferrerShapes))]
    public void ArtifactTypeOf_EveryReferrerShape_IsTheTypeAGateCompares(string shape, string manifest, string? tag, string? expected)
    {
        ManifestDocument document = ManifestParser.Parse(Encoding.UTF8.GetBytes(manifest), null);

        Assert.True(expected == Referrers.ArtifactTypeOf(document, tag), $"{shape}: expected {expected ?? "(none)"}, got {Referrers.ArtifactTypeOf(document, tag) ?? "(none)"}");
    }
}
