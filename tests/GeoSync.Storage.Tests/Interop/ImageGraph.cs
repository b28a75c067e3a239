using System.Text.Json;
using GeoSync.Domain.Content;

namespace GeoSync.Storage.Tests.Interop;

/// <summary>
/// The content of one image: its manifests children-first (an index after the manifests it lists) and the config
/// and layer blobs they reference. Parsed here with System.Text.Json, independently of the domain's manifest
/// parser, so the interoperability tests check the store against what registries and skopeo actually wrote.
/// </summary>
public sealed record ImageGraph(Digest Root, IReadOnlyList<Descriptor> ManifestsChildrenFirst, IReadOnlyList<Descriptor> Blobs)
{
    /// <summary>Every digest in the graph: manifests and blobs.</summary>
    public IReadOnlySet<Digest> AllDigests => ManifestsChildrenFirst.Concat(Blobs).Select(d => d.Digest).ToHashSet();

    /// <summary>Walks the graph from <paramref name="root"/>, reading manifests with <paramref name="readManifest"/>.</summary>
    public static async Task<ImageGraph> ResolveAsync(Digest root, long rootSize, Func<Digest, Task<byte[]>> readManifest)
    {
        var manifests = new List<Descriptor>();
        var blobs = new Dictionary<Digest, Descriptor>();
        await VisitAsync(new Descriptor(string.Empty, root, rootSize), readManifest, manifests, blobs);
        return new ImageGraph(root, manifests, [.. blobs.Values]);
    }

    private static async Task VisitAsync(Descriptor manifest, Func<Digest, Task<byte[]>> readManifest, List<Descriptor> manifests, Dictionary<Digest, Descriptor> blobs)
    {
        if (manifests.Any(m => m.Digest == manifest.Digest))
        {
            return;
        }

        byte[] bytes = await readManifest(manifest.Digest);
        Assert.Equal(manifest.Digest, Digest.Compute(bytes));
        using JsonDocument document = JsonDocument.Parse(bytes);
        JsonElement json = document.RootElement;
        string mediaType = json.TryGetProperty("mediaType", out JsonElement declared) ? declared.GetString()!
            : json.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;

        if (MediaTypes.IsIndex(mediaType))
        {
            foreach (JsonElement child in json.GetProperty("manifests").EnumerateArray())
            {
                await VisitAsync(ReadDescriptor(child), readManifest, manifests, blobs);
            }
        }
        else
        {
            Descriptor config = ReadDescriptor(json.GetProperty("config"));
            blobs.TryAdd(config.Digest, config);
            foreach (JsonElement layer in json.GetProperty("layers").EnumerateArray())
            {
                Descriptor descriptor = ReadDescriptor(layer);
                blobs.TryAdd(descriptor.Digest, descriptor);
            }
        }

        manifests.Add(new Descriptor(mediaType, manifest.Digest, bytes.Length));
    }

    private static Descriptor ReadDescriptor(JsonElement json) => new(
        json.GetProperty("mediaType").GetString()!,
        Digest.Parse(json.GetProperty("digest").GetString()!),
        json.GetProperty("size").GetInt64());
}
