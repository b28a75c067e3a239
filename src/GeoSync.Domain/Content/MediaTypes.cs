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
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerTarGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public const string DockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";

    /// <summary>True for an image manifest (a document listing a config and layers).</summary>
    public static bool IsImageManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>True for an index or manifest list (a document listing other manifests).</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>True for any manifest-kind document GeoSync parses (image manifests and indexes).</summary>
    public static bool IsManifest(string? mediaType) => IsImageManifest(mediaType) || IsIndex(mediaType);
}
