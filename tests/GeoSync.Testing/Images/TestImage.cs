using System.Text;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Testing;

/// <summary>
/// A synthetic image (OCI manifest, index or referrer) with real JSON documents and content-addressed blobs, for
/// writing into a region store exactly as a registry push would.
/// </summary>
public sealed class TestImage
{
    private TestImage(Descriptor root, IReadOnlyDictionary<Digest, byte[]> blobs, IReadOnlyList<Digest> layers, IReadOnlyList<Digest> manifests)
    {
        Root = root;
        Blobs = blobs;
        Layers = layers;
        Manifests = manifests;
    }

    /// <summary>The manifest or index a tag points at.</summary>
    public Descriptor Root { get; }

    /// <summary>Every blob of the image (configs, layers and manifest documents).</summary>
    public IReadOnlyDictionary<Digest, byte[]> Blobs { get; }

    /// <summary>Configs and layers (what <c>_layers</c> links name).</summary>
    public IReadOnlyList<Digest> Layers { get; }

    /// <summary>Manifests, children first, root last.</summary>
    public IReadOnlyList<Digest> Manifests { get; }

    /// <summary>Bytes of the image's unique blobs.</summary>
    public long TotalBytes => Blobs.Values.Sum(b => (long)b.Length);

    /// <summary>A deterministic layer of <paramref name="size"/> bytes derived from <paramref name="seed"/>.</summary>
    public static byte[] Layer(string seed, int size)
    {
        byte[] data = new byte[size];
        new Random(seed.GetHashCode(StringComparison.Ordinal)).NextBytes(data);
        Encoding.UTF8.GetBytes(seed).AsSpan(0, Math.Min(seed.Length, size)).CopyTo(data);
        return data;
    }

    /// <summary>A single-platform OCI image with the given layers.</summary>
    public static TestImage Single(string name, params byte[][] layers) => Single(name, "amd64", layers);

    public static TestImage Single(string name, string architecture, params byte[][] layers)
    {
        var blobs = new Dictionary<Digest, byte[]>();
        byte[] config = Json(new { architecture, os = "linux", config = new { Labels = new Dictionary<string, string> { ["name"] = name } }, rootfs = new { type = "layers", diff_ids = layers.Select(l => Digest.Compute(l).ToString()) } });
        Descriptor configDescriptor = Add(blobs, MediaTypes.OciConfig, config);
        List<Descriptor> layerDescriptors = [.. layers.Select(l => Add(blobs, MediaTypes.OciLayerTarGzip, l))];
        byte[] manifest = Json(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = Describe(configDescriptor),
            layers = layerDescriptors.Select(Describe),
        });
        Descriptor root = Add(blobs, MediaTypes.OciManifest, manifest);
        return new TestImage(root, blobs, [configDescriptor.Digest, .. layerDescriptors.Select(d => d.Digest)], [root.Digest]);
    }

    /// <summary>A multi-arch OCI index over the given images.</summary>
    public static TestImage Index(params TestImage[] platforms)
    {
        var blobs = new Dictionary<Digest, byte[]>();
        foreach (TestImage image in platforms)
        {
            foreach ((Digest digest, byte[] bytes) in image.Blobs)
            {
                blobs[digest] = bytes;
            }
        }

        byte[] index = Json(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciIndex,
            manifests = platforms.Select((p, i) => new
            {
                mediaType = p.Root.MediaType,
                digest = p.Root.Digest.ToString(),
                size = p.Root.Size,
                platform = new { architecture = i == 0 ? "amd64" : "arm64", os = "linux" },
            }),
        });
        Descriptor root = Add(blobs, MediaTypes.OciIndex, index);
        return new TestImage(root, blobs, [.. platforms.SelectMany(p => p.Layers).Distinct()], [.. platforms.SelectMany(p => p.Manifests), root.Digest]);
    }

    /// <summary>A referrer (signature, SBOM) of <paramref name="subject"/>, OCI 1.1 style with <c>subject</c>.</summary>
    public static TestImage Referrer(TestImage subject, string artifactType, string content)
    {
        var blobs = new Dictionary<Digest, byte[]>();
        Descriptor empty = Add(blobs, MediaTypes.OciEmpty, "{}"u8.ToArray());
        Descriptor payload = Add(blobs, "application/octet-stream", Encoding.UTF8.GetBytes(content));
        byte[] manifest = Json(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            artifactType,
            config = Describe(empty),
            layers = new[] { Describe(payload) },
            subject = Describe(subject.Root),
        });
        Descriptor root = Add(blobs, MediaTypes.OciManifest, manifest);
        return new TestImage(root, blobs, [empty.Digest, payload.Digest], [root.Digest]);
    }

    /// <summary>Writes the image into a store as a registry push does: blobs, links, manifests children-first, then the tag.</summary>
    public async Task PushToAsync(IRegionStore store, string repository, string? tag)
    {
        RepositoryName name = RepositoryName.Parse(repository);
        foreach ((Digest digest, byte[] bytes) in Blobs.Where(b => !Manifests.Contains(b.Key)))
        {
            await store.WriteBlobAsync(name, digest, new MemoryStream(bytes), bytes.Length);
        }

        foreach (Digest layer in Layers)
        {
            await store.LinkLayerAsync(name, layer);
        }

        foreach (Digest manifest in Manifests)
        {
            byte[] bytes = Blobs[manifest];
            await store.PutManifestAsync(name, new Descriptor(ManifestParser.Parse(bytes, null).MediaType, manifest, bytes.Length), bytes);
        }

        if (tag is not null)
        {
            await store.SetTagAsync(name, Tag.Parse(tag), Root.Digest);
        }
    }

    private static Descriptor Add(Dictionary<Digest, byte[]> blobs, string mediaType, byte[] bytes)
    {
        Digest digest = Digest.Compute(bytes);
        blobs[digest] = bytes;
        return new Descriptor(mediaType, digest, bytes.Length);
    }

    private static object Describe(Descriptor d) => new { mediaType = d.MediaType, digest = d.Digest.ToString(), size = d.Size };

    private static byte[] Json(object value) => JsonSerializer.SerializeToUtf8Bytes(value);
}
