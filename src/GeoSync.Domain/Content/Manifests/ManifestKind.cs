namespace GeoSync.Domain.Content.Manifests;

/// <summary>The kinds of manifest documents GeoSync parses.</summary>
public enum ManifestKind
{
    /// <summary>Any well-formed document of another media type, replicated as an opaque artifact.</summary>
    Opaque,

    /// <summary><c>application/vnd.oci.image.manifest.v1+json</c> (images and OCI artifacts alike).</summary>
    OciManifest,

    /// <summary><c>application/vnd.oci.image.index.v1+json</c>.</summary>
    OciIndex,

    /// <summary><c>application/vnd.docker.distribution.manifest.v2+json</c>.</summary>
    DockerManifest,

    /// <summary><c>application/vnd.docker.distribution.manifest.list.v2+json</c>.</summary>
    DockerManifestList,

    /// <summary><c>application/vnd.oci.artifact.manifest.v1+json</c> (image-spec 1.1 release candidates; lists <c>blobs</c>).</summary>
    OciArtifactManifest,
}
