using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;

namespace GeoSync.Storage.Tests.Interop;

/// <summary>
/// The content of one image: its manifests children-first (an index after the manifests it lists) and the config
/// and layer blobs they reference, parsed with the domain's <see cref="ManifestParser"/>; the interoperability tests
/// then check the result against what skopeo pulls from a real registry.
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
        ManifestDocument document = ManifestParser.Parse(bytes, manifest.MediaType.Length > 0 ? manifest.MediaType : null);
        foreach (Descriptor child in document.Manifests)
        {
            await VisitAsync(child, readManifest, manifests, blobs);
        }

        foreach (Descriptor blob in document.BlobReferences)
        {
            blobs.TryAdd(blob.Digest, blob);
        }

        manifests.Add(new Descriptor(document.MediaType, manifest.Digest, bytes.Length));
    }
}
