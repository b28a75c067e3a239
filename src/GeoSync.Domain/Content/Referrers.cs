using System.Diagnostics.CodeAnalysis;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Names;

namespace GeoSync.Domain.Content;

/// <summary>
/// Recognises referrers: manifests whose <c>subject</c> names another manifest (OCI image-spec v1.1), and the tag
/// scheme older tools use instead, <c>sha256-&lt;hex&gt;.&lt;suffix&gt;</c> (cosign's <c>.sig</c>, <c>.att</c>,
/// <c>.sbom</c>), plus the bare <c>sha256-&lt;hex&gt;</c> tag of the OCI distribution spec's referrers fallback index.
/// </summary>
public static class Referrers
{
    private const string Prefix = Digest.Sha256 + "-";
    private const int HexLength = 64;

    /// <summary>cosign's signature suffix.</summary>
    public const string SignatureSuffix = "sig";

    /// <summary>cosign's attestation suffix.</summary>
    public const string AttestationSuffix = "att";

    /// <summary>cosign's SBOM suffix.</summary>
    public const string SbomSuffix = "sbom";

    /// <summary>True for a tag of the form <c>sha256-&lt;64 hex&gt;.&lt;suffix&gt;</c>, with the subject it refers to.</summary>
    public static bool IsTagSchemeReferrer(Tag tag, out Digest subject) => IsTagSchemeReferrer(tag, out subject, out _);

    /// <summary>True for a tag of the form <c>sha256-&lt;64 hex&gt;.&lt;suffix&gt;</c>, with the subject and the suffix.</summary>
    public static bool IsTagSchemeReferrer(Tag tag, out Digest subject, [NotNullWhen(true)] out string? suffix)
    {
        suffix = null;
        string value = tag.Value ?? string.Empty;
        if (!TryReadSubject(value, out subject) || value.Length < Prefix.Length + HexLength + 2 || value[Prefix.Length + HexLength] != '.')
        {
            subject = default;
            return false;
        }

        suffix = value[(Prefix.Length + HexLength + 1)..];
        return true;
    }

    /// <summary>True for the bare <c>sha256-&lt;64 hex&gt;</c> tag of a referrers fallback index, with its subject.</summary>
    public static bool IsReferrersFallbackTag(Tag tag, out Digest subject)
    {
        string value = tag.Value ?? string.Empty;
        if (value.Length != Prefix.Length + HexLength || !TryReadSubject(value, out subject))
        {
            subject = default;
            return false;
        }

        return true;
    }

    /// <summary>True for a tag under which only referrers are stored: a tag-scheme referrer or a referrers fallback index.</summary>
    public static bool IsReferrerTag(Tag tag) => IsTagSchemeReferrer(tag, out _) || IsReferrersFallbackTag(tag, out _);

    /// <summary>
    /// True when <paramref name="document"/>, stored under <paramref name="tag"/>, is a referrer (a signature,
    /// attestation or SBOM) rather than a deployable image: it names a <c>subject</c>, or the tag is a referrer tag.
    /// </summary>
    public static bool IsReferrer(ManifestDocument? document, Tag tag) => document?.Subject is not null || IsReferrerTag(tag);

    /// <summary>The tag-scheme tag of a referrer of <paramref name="subject"/>, e.g. <c>sha256-&lt;hex&gt;.sig</c>.</summary>
    public static Tag TagFor(Digest subject, string suffix) => Tag.Parse($"{Prefix}{subject.Hex}.{suffix}");

    /// <summary>The referrers fallback tag of <paramref name="subject"/>, <c>sha256-&lt;hex&gt;</c>.</summary>
    public static Tag FallbackTagFor(Digest subject) => Tag.Parse(Prefix + subject.Hex);

    /// <summary>
    /// The artifact type a gate knows a referrer by: its <c>artifactType</c>; else its config's media type, unless that
    /// is an ordinary image config or the empty descriptor (cosign's tag-scheme signatures carry an ordinary image
    /// config); else, for a tag-scheme referrer, the type its suffix names (<c>.sig</c>, <c>.att</c>, <c>.sbom</c>).
    /// </summary>
    public static string? ArtifactTypeOf(ManifestDocument document, string? tag)
    {
        if (document.ArtifactType is { Length: > 0 } declared)
        {
            return declared;
        }

        if (document.Config?.MediaType is { } config && config is not (MediaTypes.OciConfig or MediaTypes.DockerConfig or MediaTypes.OciEmpty))
        {
            return config;
        }

        return tag is not null && Tag.TryParse(tag, out Tag parsed, out _) && IsTagSchemeReferrer(parsed, out _, out string? suffix)
            ? SuffixArtifactType(suffix)
            : null;
    }

    /// <summary>The artifact type cosign's tag suffix stands for, or null for a suffix it does not use.</summary>
    public static string? SuffixArtifactType(string suffix) => suffix switch
    {
        SignatureSuffix => "application/vnd.dev.cosign.artifact.sig.v1+json",
        AttestationSuffix => "application/vnd.dsse.envelope.v1+json",
        SbomSuffix => "application/vnd.dev.cosign.artifact.sbom.v1+json",
        _ => null,
    };

    /// <summary>True when <paramref name="document"/> is a referrer of <paramref name="subject"/> (its <c>subject</c> names it).</summary>
    public static bool IsReferrerOf(ManifestDocument document, Digest subject) => document.Subject?.Digest == subject;

    private static bool TryReadSubject(string value, out Digest subject)
    {
        subject = default;
        return value.Length >= Prefix.Length + HexLength
            && value.StartsWith(Prefix, StringComparison.Ordinal)
            && Digest.TryParse($"{Digest.Sha256}:{value.AsSpan(Prefix.Length, HexLength)}", out subject);
    }
}
