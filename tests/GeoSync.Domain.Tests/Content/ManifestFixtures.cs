namespace GeoSync.Domain.Tests.Content;

/// <summary>
/// Manifest documents written from the specs (OCI image-spec v1.1 examples, Docker image manifest v2 schema 2) and
/// from what common tools push (cosign, syft via oras, Helm).
/// </summary>
internal static class ManifestFixtures
{
    public const string ConfigDigest = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";
    public const string Layer1 = "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0";
    public const string Layer2 = "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b";
    public const string Layer3 = "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736";
    public const string ManifestPpc = "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f";
    public const string ManifestAmd64 = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";
    public const string ManifestArm64 = "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    public const string SubjectDigest = "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";
    public const string EmptyDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    public const string SignatureLayer = "sha256:2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6";
    public const string SbomLayer = "sha256:18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4";
    public const string ChartConfig = "sha256:3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
    public const string ChartContent = "sha256:252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111";

    public const string OciManifest = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
            "size": 7023
          },
          "layers": [
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
              "size": 32654
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b",
              "size": 16724
            },
            {
              "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
              "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736",
              "size": 73109
            }
          ],
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    public const string DockerManifest = """
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 7023,
                "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 32654,
                    "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0"
                },
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 16724,
                    "digest": "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b"
                },
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 73109,
                    "digest": "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736"
                }
            ]
        }
        """;

    public const string OciIndex = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.index.v1+json",
          "manifests": [
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7143,
              "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
              "platform": {
                "architecture": "ppc64le",
                "os": "linux"
              }
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7682,
              "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
              "platform": {
                "architecture": "amd64",
                "os": "linux"
              }
            },
            {
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "size": 7682,
              "digest": "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
              "platform": {
                "architecture": "arm64",
                "os": "linux",
                "variant": "v8"
              }
            }
          ],
          "annotations": {
            "com.example.key1": "value1",
            "com.example.key2": "value2"
          }
        }
        """;

    public const string DockerManifestList = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
          "manifests": [
            {
              "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
              "digest": "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f",
              "size": 7143,
              "platform": {
                "architecture": "ppc64le",
                "os": "linux"
              }
            },
            {
              "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
              "digest": "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
              "size": 7682,
              "platform": {
                "architecture": "amd64",
                "os": "linux",
                "features": [
                  "sse4"
                ]
              }
            },
            {
              "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
              "digest": "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
              "size": 1145,
              "platform": {
                "architecture": "amd64",
                "os": "windows",
                "os.version": "10.0.17763.5576"
              }
            }
          ]
        }
        """;

    /// <summary>A cosign signature stored as an OCI 1.1 referrer: empty config, artifactType, subject.</summary>
    public const string CosignSignature = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
          "config": {
            "mediaType": "application/vnd.oci.empty.v1+json",
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "size": 2,
            "data": "e30="
          },
          "layers": [
            {
              "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
              "digest": "sha256:2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6",
              "size": 245,
              "annotations": {
                "dev.cosignproject.cosign/signature": "MEUCIQDpCZ8qXAzqpcyUZ6kLmmH8AcqqZZPDwQCkTvQgdvz3agIgNp2Wl3YN6S0XiSSu0iDf0l4Nyyz0UoUJQkRzD2Mc1nE="
              }
            }
          ],
          "subject": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
            "size": 1024
          },
          "annotations": {
            "org.opencontainers.image.created": "2024-05-01T10:00:00Z"
          }
        }
        """;

    /// <summary>An SPDX SBOM attached the way <c>oras attach</c> does it.</summary>
    public const string SpdxSbom = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "artifactType": "application/spdx+json",
          "config": {
            "mediaType": "application/vnd.oci.empty.v1+json",
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "size": 2
          },
          "layers": [
            {
              "mediaType": "application/spdx+json",
              "digest": "sha256:18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4",
              "size": 84211,
              "annotations": {
                "org.opencontainers.image.title": "sbom.spdx.json"
              }
            }
          ],
          "subject": {
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
            "size": 1609
          }
        }
        """;

    /// <summary>A Helm chart as Helm 3 pushes it: no mediaType field (the registry's Content-Type carries it).</summary>
    public const string HelmChart = """
        {
          "schemaVersion": 2,
          "config": {
            "mediaType": "application/vnd.cncf.helm.config.v1+json",
            "digest": "sha256:3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea",
            "size": 117
          },
          "layers": [
            {
              "mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
              "digest": "sha256:252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111",
              "size": 3764
            }
          ],
          "annotations": {
            "org.opencontainers.image.title": "mychart",
            "org.opencontainers.image.version": "0.1.0"
          }
        }
        """;

    /// <summary>An OCI artifact manifest of the image-spec 1.1 release candidates: blobs, no config.</summary>
    public const string OciArtifactManifest = """
        {
          "mediaType": "application/vnd.oci.artifact.manifest.v1+json",
          "artifactType": "application/vnd.example.sbom.v1",
          "blobs": [
            {
              "mediaType": "application/gzip",
              "digest": "sha256:18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4",
              "size": 123
            }
          ],
          "subject": {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
            "size": 1234
          },
          "annotations": {
            "org.opencontainers.artifact.created": "2022-01-01T14:42:55Z"
          }
        }
        """;

    /// <summary>A document of a media type nobody has registered: replicated as an opaque artifact.</summary>
    public const string UnknownMediaType = """
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.example.bundle.v1+json",
          "config": {
            "mediaType": "application/vnd.example.bundle.config.v1+json",
            "digest": "sha256:3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea",
            "size": 117
          },
          "blobs": [
            {
              "mediaType": "application/octet-stream",
              "digest": "sha256:252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111",
              "size": 3764
            }
          ],
          "extensions": { "anything": ["goes", 1, true] }
        }
        """;
}
