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
}
