namespace GeoSync.Domain.Tests.Events;

/// <summary>
/// Notification bodies as CNCF distribution 2.8 sends them (one event per POST), plus a v3-style envelope holding
/// several events. Digests are those of the fixtures' content as a registry would report them.
/// </summary>
internal static class EnvelopeFixtures
{
    public const string ManifestDigest = "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf";
    public const string IndexDigest = "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";
    public const string ConfigDigest = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";
    public const string LayerDigest = "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0";

    /// <summary>The envelope of DESIGN.md, filled in: a tagged manifest push with its references.</summary>
    public const string ManifestPushWithReferences = """
        {
          "events": [
            {
              "id": "320678d8-ca14-430f-8bb6-4ca139cd83f7",
              "timestamp": "2024-05-01T10:00:00.402973972-07:00",
              "action": "push",
              "target": {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
                "size": 708,
                "length": 708,
                "repository": "team/app",
                "url": "http://registry-eu.example.com:5000/v2/team/app/manifests/sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
                "tag": "v1.2.3",
                "references": [
                  {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7",
                    "size": 1469
                  },
                  {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
                    "size": 2479
                  }
                ]
              },
              "request": {
                "id": "6df24a34-0959-4923-81ca-14f09767db19",
                "addr": "10.20.0.7:42961",
                "host": "registry-eu.example.com:5000",
                "method": "PUT",
                "useragent": "skopeo/1.9.3"
              },
              "actor": {
                "name": "ci-bot"
              },
              "source": {
                "addr": "registry-eu-0:5000",
                "instanceID": "a53db899-3b4b-4a62-a067-8dd013beaca4"
              }
            }
          ]
        }
        """;

    /// <summary>A child of an index pushed by digest: no tag.</summary>
    public const string ChildManifestPush = """
        {"events":[{"id":"0d5b5f0e-1b5a-4f5e-9a38-1c0f1e8e6b21","timestamp":"2024-05-01T10:00:01.5Z","action":"push",
          "target":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf","size":528,"length":528,"repository":"team/app",
            "url":"http://registry-eu.example.com:5000/v2/team/app/manifests/sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf"},
          "request":{"id":"c3a1","addr":"10.20.0.7:42962","host":"registry-eu.example.com:5000","method":"PUT","useragent":"docker/27.0.3"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>An index pushed by tag.</summary>
    public const string IndexPush = """
        {"events":[{"id":"8d0c3e7d-0c8e-4a43-a8a0-29f7b1e0b7c4","timestamp":"2024-05-01T10:00:02Z","action":"push",
          "target":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d","size":1609,"length":1609,"repository":"team/app",
            "url":"http://registry-eu.example.com:5000/v2/team/app/manifests/sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d","tag":"latest"},
          "request":{"id":"c3a2","addr":"10.20.0.7:42963","host":"registry-eu.example.com:5000","method":"PUT","useragent":"skopeo/1.9.3"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>A blob upload completing: distribution reports application/octet-stream.</summary>
    public const string BlobPush = """
        {"events":[{"id":"f1c0a6b4-7f0e-4c1e-bf93-1a6f5b3c2d10","timestamp":"2024-05-01T09:59:59.999999999Z","action":"push",
          "target":{"mediaType":"application/octet-stream","digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","size":2479,"length":2479,"repository":"team/app",
            "url":"http://registry-eu.example.com:5000/v2/team/app/blobs/sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0"},
          "request":{"id":"c3a0","addr":"10.20.0.7:42960","host":"registry-eu.example.com:5000","method":"PUT","useragent":"skopeo/1.9.3"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>A manifest fetched by tag.</summary>
    public const string ManifestPull = """
        {"events":[{"id":"5e7c5b8a-56a9-4c8a-a1f6-0b3e3c1e9d11","timestamp":"2024-05-01T10:05:00.000000001+02:00","action":"pull",
          "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf","size":708,"length":708,"repository":"team/app",
            "url":"http://registry-eu.example.com:5000/v2/team/app/manifests/sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf","tag":"v1.2.3"},
          "request":{"id":"d001","addr":"10.30.1.9:50110","host":"registry-eu.example.com:5000","method":"GET","useragent":"containerd/1.7.13"},
          "actor":{"name":"node-17"},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>A HEAD check of a blob before an upload: distribution reports it as a pull.</summary>
    public const string BlobHead = """
        {"events":[{"id":"77e3f3b2-2e53-4f3c-9c0e-2f1f4f4f9a01","timestamp":"2024-05-01T09:59:58Z","action":"pull",
          "target":{"mediaType":"application/octet-stream","digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","size":2479,"length":2479,"repository":"team/app",
            "url":"http://registry-eu.example.com:5000/v2/team/app/blobs/sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0"},
          "request":{"id":"c39f","addr":"10.20.0.7:42959","host":"registry-eu.example.com:5000","method":"HEAD","useragent":"skopeo/1.9.3"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>A cross-repository blob mount.</summary>
    public const string Mount = """
        {"events":[{"id":"a4f5f0f2-9c1d-4a8e-8f3e-5d8c6b2a1e33","timestamp":"2024-05-01T10:01:00Z","action":"mount",
          "target":{"mediaType":"application/octet-stream","digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","size":2479,"length":2479,"repository":"team/other",
            "url":"http://registry-eu.example.com:5000/v2/team/other/blobs/sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","fromRepository":"team/app"},
          "request":{"id":"c4b0","addr":"10.20.0.7:42970","host":"registry-eu.example.com:5000","method":"POST","useragent":"docker/27.0.3"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>The first of the two events of a delete by digest: only the digest and repository.</summary>
    public const string ManifestDelete = """
        {"events":[{"id":"b9f0c1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d","timestamp":"2024-05-01T11:00:00Z","action":"delete",
          "target":{"digest":"sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf","repository":"team/app"},
          "request":{"id":"e001","addr":"10.20.0.8:40000","host":"registry-eu.example.com:5000","method":"DELETE","useragent":"curl/8.5.0"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>The second event of a delete by digest, and what a tag delete sends: only the tag and repository.</summary>
    public const string TagDelete = """
        {"events":[{"id":"c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b","timestamp":"2024-05-01T11:00:00.000001Z","action":"delete",
          "target":{"repository":"team/app","tag":"v1.2.3"},
          "request":{"id":"e001","addr":"10.20.0.8:40000","host":"registry-eu.example.com:5000","method":"DELETE","useragent":"curl/8.5.0"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>An action GeoSync does not know (a future registry's): accepted and ignored.</summary>
    public const string UnknownAction = """
        {"events":[{"id":"d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6","timestamp":"2024-05-01T12:00:00Z","action":"replicate",
          "target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf","repository":"team/app"},
          "actor":{},"source":{"addr":"registry-eu-0:5000","instanceID":"a53db899-3b4b-4a62-a067-8dd013beaca4"}}]}
        """;

    /// <summary>A distribution v3 (events v2) envelope with several events: an OCI artifact push and its subject's pull.</summary>
    public const string V2EnvelopeWithTwoEvents = """
        {
          "events": [
            {
              "id": "e9c1d3f0-0b0d-4a53-9a2c-18e1d0f6b001",
              "timestamp": "2025-02-03T08:15:30.5+01:00",
              "action": "push",
              "target": {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
                "size": 1112,
                "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
                "repository": "team/app",
                "url": "https://registry-us.example.com/v2/team/app/manifests/sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"
              },
              "request": { "id": "r1", "addr": "10.1.0.2:1234", "host": "registry-us.example.com", "method": "PUT", "useragent": "cosign/v2.2.4" },
              "actor": { "name": "signer" },
              "source": { "addr": "registry-us-1:5000", "instanceID": "0f0e0d0c-0b0a-4909-8807-060504030201" }
            },
            {
              "id": "e9c1d3f0-0b0d-4a53-9a2c-18e1d0f6b002",
              "timestamp": "2025-02-03T08:15:31+01:00",
              "action": "pull",
              "target": {
                "mediaType": "application/vnd.oci.image.index.v1+json",
                "digest": "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf",
                "size": 1609,
                "repository": "team/app",
                "url": "https://registry-us.example.com/v2/team/app/manifests/sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf"
              },
              "request": { "id": "r2", "addr": "10.1.0.2:1235", "host": "registry-us.example.com", "method": "HEAD", "useragent": "cosign/v2.2.4" },
              "actor": { "name": "signer" },
              "source": { "addr": "registry-us-1:5000", "instanceID": "0f0e0d0c-0b0a-4909-8807-060504030201" }
            }
          ]
        }
        """;
}
