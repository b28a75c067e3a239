namespace GeoSync.Domain.Content;

/// <summary>The media types GeoSync understands (OCI image spec v1.1, Docker image manifest v2 schema 2).</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerTarZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

    /// <summary>The OCI artifact manifest of image-spec 1.1 release candidates (with <c>blobs</c>); some registries still hold them.</summary>
    public const string OciArtifactManifest = "application/vnd.oci.artifact.manifest.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerTarGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerTarGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public const string DockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string DockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";

    /// <summary>What registries send for blobs whose type they do not know (blob push events carry it).</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>True for an image manifest (a document listing a config and layers).</summary>
    public static bool IsImageManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>True for an index or manifest list (a document listing other manifests).</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>True for any manifest-kind document GeoSync parses (image manifests and indexes).</summary>
    public static bool IsManifest(string? mediaType) => IsImageManifest(mediaType) || IsIndex(mediaType);

    /// <summary>True for the deprecated Docker schema 1 manifests, which GeoSync refuses.</summary>
    public static bool IsDockerSchema1(string? mediaType) => mediaType is DockerSchema1Manifest or DockerSchema1SignedManifest;

    /// <summary>
    /// True for every media type a registry stores as a manifest rather than a blob: image manifests, indexes, the OCI
    /// artifact manifest and Docker schema 1 (which a registry may hold even though GeoSync cannot replicate it).
    /// </summary>
    public static bool IsRegistryManifest(string? mediaType) =>
        IsManifest(mediaType) || IsDockerSchema1(mediaType) || mediaType is OciArtifactManifest;

    /// <summary>The media type without parameters or surrounding spaces, e.g. <c>a/b; charset=utf-8</c> → <c>a/b</c>.</summary>
    public static string? WithoutParameters(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        int semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
    }
}
