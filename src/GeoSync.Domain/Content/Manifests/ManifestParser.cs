using System.Collections.ObjectModel;
using System.Text.Json;
using GeoSync.Domain.Content.Json;
using GeoSync.Domain.Json;

namespace GeoSync.Domain.Content.Manifests;

/// <summary>
/// Parses OCI image manifests and indexes, Docker schema 2 manifests and manifest lists, OCI artifacts, and any other
/// well-formed JSON manifest as an opaque artifact (OCI image spec v1.1; Docker image manifest v2, schema 2).
/// </summary>
/// <remarks>
/// The media type comes from the document's <c>mediaType</c> field, else from the hint (the type the registry sent or
/// the parent descriptor's), else it is inferred: <c>manifests</c> means an OCI index, <c>config</c> and <c>layers</c>
/// an OCI manifest. Unknown fields are ignored, as the OCI spec requires; every descriptor found is validated.
/// </remarks>
public static class ManifestParser
{
    private const string Root = JsonFields.Root;
    private static readonly JsonFields Fields = JsonFields.Registry;

    /// <summary>Parses <paramref name="content"/>; throws <see cref="ManifestFormatException"/> naming the wrong field.</summary>
    /// <param name="content">The manifest bytes, exactly as stored.</param>
    /// <param name="mediaTypeHint">The media type the registry or parent descriptor gave, if any; parameters are ignored.</param>
    public static ManifestDocument Parse(ReadOnlySpan<byte> content, string? mediaTypeHint)
    {
        try
        {
            using JsonDocument document = JsonText.Parse(content);
            return Read(document.RootElement, NormalizeHint(mediaTypeHint));
        }
        catch (JsonFieldError e)
        {
            throw new ManifestFormatException(e.Field, e.Reason);
        }
    }

    /// <summary>The kind of document a media type names.</summary>
    public static ManifestKind KindOf(string mediaType) => mediaType switch
    {
        MediaTypes.OciManifest => ManifestKind.OciManifest,
        MediaTypes.OciIndex => ManifestKind.OciIndex,
        MediaTypes.DockerManifest => ManifestKind.DockerManifest,
        MediaTypes.DockerManifestList => ManifestKind.DockerManifestList,
        MediaTypes.OciArtifactManifest => ManifestKind.OciArtifactManifest,
        _ => ManifestKind.Opaque,
    };

    private static ManifestDocument Read(JsonElement root, string? hint)
    {
        Fields.RequireObject(root, Root);
        string? declared = Fields.OptionalString(root, Root, "mediaType");
        if (declared is { Length: 0 })
        {
            throw new JsonFieldError("mediaType", "must not be empty");
        }

        long? schemaVersion = Fields.OptionalInteger(root, Root, "schemaVersion");
        RejectSchema1(declared, hint, schemaVersion);
        if (declared is not null && hint is not null && declared != hint)
        {
            throw new JsonFieldError("mediaType", $"'{declared}' contradicts the media type '{hint}' the document was given as");
        }

        string mediaType = declared ?? hint ?? Infer(root);
        ManifestKind kind = KindOf(mediaType);
        CheckSchemaVersion(kind, schemaVersion);

        var document = new ManifestDocument
        {
            MediaType = mediaType,
            Kind = kind,
            SchemaVersion = (int?)schemaVersion,
            ArtifactType = Fields.OptionalString(root, Root, "artifactType"),
            Config = DescriptorJson.ReadOptional(root, Root, "config"),
            Layers = DescriptorJson.ReadArray(root, Root, "layers") ?? [],
            Blobs = DescriptorJson.ReadArray(root, Root, "blobs") ?? [],
            Manifests = DescriptorJson.ReadArray(root, Root, "manifests") ?? [],
            Subject = DescriptorJson.ReadOptional(root, Root, "subject"),
            Annotations = Fields.OptionalStringMap(root, Root, "annotations") ?? ReadOnlyDictionary<string, string>.Empty,
        };

        CheckRequiredFields(root, document);
        return document;
    }

    private static void RejectSchema1(string? declared, string? hint, long? schemaVersion)
    {
        const string Reason = "Docker schema 1 manifests are not supported (deprecated, and not content-addressable once " +
            "re-signed); push the image again with a current client to store it as Docker schema 2 or OCI";
        if (MediaTypes.IsDockerSchema1(declared) || (declared is null && MediaTypes.IsDockerSchema1(hint)))
        {
            throw new JsonFieldError("mediaType", Reason);
        }

        if (schemaVersion == 1)
        {
            throw new JsonFieldError("schemaVersion", Reason);
        }
    }

    private static string Infer(JsonElement root)
    {
        if (JsonFields.Optional(root, "manifests") is not null)
        {
            return MediaTypes.OciIndex;
        }

        if (JsonFields.Optional(root, "config") is not null && JsonFields.Optional(root, "layers") is not null)
        {
            return MediaTypes.OciManifest;
        }

        throw new JsonFieldError("mediaType",
            "is required: no media type was given and the document has neither 'manifests' nor 'config' and 'layers' to infer it from");
    }

    private static void CheckSchemaVersion(ManifestKind kind, long? schemaVersion)
    {
        // The image spec requires schemaVersion 2 on manifests and indexes; other documents are held to it only if they say.
        bool required = kind is ManifestKind.OciManifest or ManifestKind.OciIndex
            or ManifestKind.DockerManifest or ManifestKind.DockerManifestList;
        if (schemaVersion is null && required)
        {
            throw new JsonFieldError("schemaVersion", "is required and must be 2");
        }

        if (schemaVersion is not null and not 2)
        {
            throw new JsonFieldError("schemaVersion", $"must be 2, found {schemaVersion}");
        }
    }

    private static void CheckRequiredFields(JsonElement root, ManifestDocument document)
    {
        switch (document.Kind)
        {
            case ManifestKind.OciManifest or ManifestKind.DockerManifest:
                if (document.Config is null)
                {
                    throw new JsonFieldError("config", $"is required in a {document.MediaType} document");
                }

                if (JsonFields.Optional(root, "layers") is null)
                {
                    throw new JsonFieldError("layers", $"is required in a {document.MediaType} document");
                }

                break;

            case ManifestKind.OciIndex or ManifestKind.DockerManifestList:
                if (JsonFields.Optional(root, "manifests") is null)
                {
                    throw new JsonFieldError("manifests", $"is required in a {document.MediaType} document");
                }

                break;
        }

        if (document.Kind == ManifestKind.DockerManifestList)
        {
            for (int i = 0; i < document.Manifests.Count; i++)
            {
                if (document.Manifests[i].Platform is null)
                {
                    throw new JsonFieldError($"manifests[{i}].platform", "is required in a Docker manifest list");
                }
            }
        }
    }

    private static string? NormalizeHint(string? hint)
    {
        string? type = MediaTypes.WithoutParameters(hint);

        // Generic types say nothing about the document; a registry answering without a manifest type is no contradiction.
        return type is null or "" or "application/json" or "text/plain" or MediaTypes.OctetStream ? null : type;
    }
}
