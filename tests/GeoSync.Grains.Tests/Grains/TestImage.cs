using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>A single-platform OCI image with real JSON documents and content-addressed blobs, pushed into a store as a registry does.</summary>
public sealed class TestImage
{
    private TestImage(Descriptor root, IReadOnlyDictionary<Digest, byte[]> blobs, IReadOnlyList<Digest> layers)
    {
        Root = root;
        Blobs = blobs;
        Layers = layers;
    }

    /// <summary>The manifest the tag points at.</summary>
    public Descriptor Root { get; }

    /// <summary>Config, layers and manifest, by digest.</summary>
    public IReadOnlyDictionary<Digest, byte[]> Blobs { get; }

    /// <summary>Config and layers (what <c>_layers</c> links name).</summary>
    public IReadOnlyList<Digest> Layers { get; }

    /// <summary>Deterministic bytes of <paramref name="size"/> derived from <paramref name="seed"/>.</summary>
    public static byte[] Bytes(string seed, int size)
    {
        byte[] data = new byte[size];
        new Random(seed.GetHashCode(StringComparison.Ordinal)).NextBytes(data);
        return data;
    }

    public static TestImage Single(string name, params byte[][] layers)
    {
        var blobs = new Dictionary<Digest, byte[]>();
        byte[] config = JsonSerializer.SerializeToUtf8Bytes(new
        {
            architecture = "amd64",
            os = "linux",
            config = new { Labels = new Dictionary<string, string> { ["name"] = name } },
            rootfs = new { type = "layers", diff_ids = layers.Select(l => Digest.Compute(l).ToString()) },
        });
        Descriptor configDescriptor = Add(blobs, MediaTypes.OciConfig, config);
        List<Descriptor> layerDescriptors = [.. layers.Select(l => Add(blobs, MediaTypes.OciLayerTarGzip, l))];
        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = Describe(configDescriptor),
            layers = layerDescriptors.Select(Describe),
        });
        Descriptor root = Add(blobs, MediaTypes.OciManifest, manifest);
        return new TestImage(root, blobs, [configDescriptor.Digest, .. layerDescriptors.Select(d => d.Digest)]);
    }

    /// <summary>Writes the image as a registry push does: blobs, layer links, the manifest link, then the tag.</summary>
    public async Task PushToAsync(IRegionStore store, string repository, string tag)
    {
        RepositoryName name = RepositoryName.Parse(repository);
        foreach ((Digest digest, byte[] bytes) in Blobs)
        {
            await store.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length);
        }

        foreach (Digest layer in Layers)
        {
            await store.LinkLayerAsync(name, layer);
        }

        await store.LinkManifestAsync(name, Root.Digest);
        await store.SetTagAsync(name, Tag.Parse(tag), Root.Digest);
    }

    private static Descriptor Add(Dictionary<Digest, byte[]> blobs, string mediaType, byte[] bytes)
    {
        Digest digest = Digest.Compute(bytes);
        blobs[digest] = bytes;
        return new Descriptor(mediaType, digest, bytes.Length);
    }

    private static object Describe(Descriptor d) => new { mediaType = d.MediaType, digest = d.Digest.ToString(), size = d.Size };
}
