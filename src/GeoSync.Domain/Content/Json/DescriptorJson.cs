using System.Text.Json;
using GeoSync.Domain.Json;

namespace GeoSync.Domain.Content.Json;

/// <summary>Reads OCI descriptors (and their platforms) from JSON, naming the JSON path of anything wrong.</summary>
internal static class DescriptorJson
{
    private static readonly JsonFields Fields = JsonFields.Registry;

    /// <summary>
    /// A descriptor: <c>mediaType</c>, <c>digest</c> and <c>size</c> are required (OCI image spec, "Descriptors");
    /// <c>platform</c>, <c>artifactType</c>, <c>annotations</c> and <c>urls</c> are kept when present.
    /// </summary>
    public static Descriptor Read(JsonElement element, string path)
    {
        Fields.RequireObject(element, path);
        string mediaType = Fields.RequiredString(element, path, "mediaType");
        Digest digest = OptionalDigest(element, path, "digest")
            ?? throw new JsonFieldError(Fields.Child(path, "digest"), Fields.Missing);
        long size = Fields.OptionalInteger(element, path, "size", minimum: 0)
            ?? throw new JsonFieldError(Fields.Child(path, "size"), Fields.Missing);

        JsonElement? platform = Fields.OptionalObject(element, path, "platform");
        return new Descriptor(mediaType, digest, size)
        {
            Platform = platform is null ? null : ReadPlatform(platform.Value, Fields.Child(path, "platform")),
            ArtifactType = Fields.OptionalString(element, path, "artifactType"),
            Annotations = Fields.OptionalStringMap(element, path, "annotations"),
            Urls = Fields.OptionalStringArray(element, path, "urls"),
        };
    }

    /// <summary>A descriptor property, or null when absent.</summary>
    public static Descriptor? ReadOptional(JsonElement obj, string path, string name)
    {
        JsonElement? value = JsonFields.Optional(obj, name);
        return value is null ? null : Read(value.Value, Fields.Child(path, name));
    }

    /// <summary>An array of descriptors, or null when absent.</summary>
    public static IReadOnlyList<Descriptor>? ReadArray(JsonElement obj, string path, string name)
    {
        JsonElement? array = Fields.OptionalArray(obj, path, name);
        if (array is null)
        {
            return null;
        }

        string arrayPath = Fields.Child(path, name);
        var result = new List<Descriptor>(array.Value.GetArrayLength());
        int i = 0;
        foreach (JsonElement item in array.Value.EnumerateArray())
        {
            result.Add(Read(item, JsonFields.Item(arrayPath, i)));
            i++;
        }

        return result.AsReadOnly();
    }

    /// <summary>A platform: <c>os</c> and <c>architecture</c> are required.</summary>
    public static Platform ReadPlatform(JsonElement element, string path) =>
        new(Fields.RequiredString(element, path, "os"), Fields.RequiredString(element, path, "architecture"),
            Fields.OptionalString(element, path, "variant"))
        {
            OsVersion = Fields.OptionalString(element, path, "os.version"),
        };

    /// <summary>A digest property, or null when absent.</summary>
    public static Digest? OptionalDigest(JsonElement obj, string path, string name)
    {
        string? text = Fields.OptionalString(obj, path, name);
        if (text is null)
        {
            return null;
        }

        return Digest.TryParse(text, out Digest digest, out string? error)
            ? digest
            : throw new JsonFieldError(Fields.Child(path, name), error);
    }
}
