using System.Collections.ObjectModel;

namespace GeoSync.Domain.Content.Manifests;

/// <summary>
/// A parsed manifest, index or artifact: what it references and what it says about itself. Parsing never rewrites a
/// document; GeoSync replicates the original bytes, so this model only has to name every descriptor they reference.
/// </summary>
public sealed record ManifestDocument
{
    /// <summary>The media type: the document's <c>mediaType</c> field, else the type the registry sent, else inferred.</summary>
    public required string MediaType { get; init; }

    /// <summary>What kind of document this is.</summary>
    public required ManifestKind Kind { get; init; }

    /// <summary>The <c>schemaVersion</c> field (2 for every supported kind), when present.</summary>
    public int? SchemaVersion { get; init; }

    /// <summary>The <c>artifactType</c> field, when present.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>The config blob of an image manifest or artifact, when present.</summary>
    public Descriptor? Config { get; init; }

    /// <summary>The layers of an image manifest or artifact (empty when none).</summary>
    public IReadOnlyList<Descriptor> Layers { get; init; } = [];

    /// <summary>The <c>blobs</c> of an OCI artifact manifest or opaque document (empty when none).</summary>
    public IReadOnlyList<Descriptor> Blobs { get; init; } = [];

    /// <summary>The entries of an index or manifest list, with their platforms (empty when none).</summary>
    public IReadOnlyList<Descriptor> Manifests { get; init; } = [];

    /// <summary>The manifest this one refers to (signatures, SBOMs, attestations), when present.</summary>
    public Descriptor? Subject { get; init; }

    /// <summary>The document's annotations (empty when none).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>True when the document lists other manifests rather than a config and layers.</summary>
    public bool IsIndex =>
        Kind is ManifestKind.OciIndex or ManifestKind.DockerManifestList
        || (Kind == ManifestKind.Opaque && Manifests.Count > 0 && Config is null && Layers.Count == 0 && Blobs.Count == 0);

    /// <summary>
    /// The artifact type as the OCI referrers API reports it: <c>artifactType</c>, else the config's media type unless
    /// that is the empty descriptor's; null for plain indexes.
    /// </summary>
    public string? EffectiveArtifactType =>
        ArtifactType ?? (Config is { MediaType: not MediaTypes.OciEmpty } config ? config.MediaType : null);

    /// <summary>The blobs this document references, in document order: config, layers, then <c>blobs</c>.</summary>
    public IEnumerable<Descriptor> BlobReferences
    {
        get
        {
            if (Config is not null)
            {
                yield return Config;
            }

            foreach (Descriptor layer in Layers)
            {
                yield return layer;
            }

            foreach (Descriptor blob in Blobs)
            {
                yield return blob;
            }
        }
    }

    /// <summary>The distinct platforms of the index entries, in document order (empty for a single manifest).</summary>
    public IReadOnlyList<Platform> Platforms =>
        Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!).Distinct().ToList().AsReadOnly();
}
