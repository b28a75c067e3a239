using System.Text.Json;

namespace GeoSync.Domain.Content.Json;

/// <summary>Reads OCI descriptors (and their platforms) from JSON, naming the JSON path of anything wrong.</summary>
internal static class DescriptorJson
{
    /// <summary>
    /// A descriptor: <c>mediaType</c>, <c>digest</c> and <c>size</c> are required (OCI image spec, "Descriptors");
    /// <c>platform</c>, <c>artifactType</c>, <c>annotations</c> and <c>urls</c> are kept when present.
    /// </summary>
    public static Descriptor Read(JsonElement element, string path)
    {
        JsonFields.RequireObject(element, path);
        string mediaType = JsonFields.RequiredString(element, path, "mediaType");
        Digest digest = JsonFields.OptionalDigest(element, path, "digest")
            ?? throw new JsonFieldError(JsonFields.Child(path, "digest"), "is required");
        long size = JsonFields.OptionalSize(element, path, "size")
            ?? throw new JsonFieldError(JsonFields.Child(path, "size"), "is required");

        JsonElement? platform = JsonFields.OptionalObject(element, path, "platform");
        return new Descriptor(mediaType, digest, size)
        {
            Platform = platform is null ? null : ReadPlatform(platform.Value, JsonFields.Child(path, "platform")),
            ArtifactType = JsonFields.OptionalString(element, path, "artifactType"),
            Annotations = JsonFields.OptionalStringMap(element, path, "annotations"),
            Urls = JsonFields.OptionalStringArray(element, path, "urls"),
        };
    }

    /// <summary>A descriptor property, or null when absent.</summary>
    public static Descriptor? ReadOptional(JsonElement obj, string path, string name)
    {
        JsonElement? value = JsonFields.Optional(obj, name);
        return value is null ? null : Read(value.Value, JsonFields.Child(path, name));
    }

    /// <summary>An array of descriptors, or null when absent.</summary>
    public static IReadOnlyList<Descriptor>? ReadArray(JsonElement obj, string path, string name)
    {
        JsonElement? array = JsonFields.OptionalArray(obj, path, name);
        if (array is null)
        {
            return null;
        }

        string arrayPath = JsonFields.Child(path, name);
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
        new(JsonFields.RequiredString(element, path, "os"), JsonFields.RequiredString(element, path, "architecture"),
            JsonFields.OptionalString(element, path, "variant"))
        {
            OsVersion = JsonFields.OptionalString(element, path, "os.version"),
        };
}
