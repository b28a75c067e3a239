using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Benchmarks.Engine;

/// <summary>A small single-platform OCI image (config, layers, manifest) written into a region store as a registry push would.</summary>
public sealed class SyntheticImage
{
    private readonly List<(Digest Digest, byte[] Bytes)> _blobs = [];

    private SyntheticImage(string seed, int layerBytes)
    {
        byte[] layer = new byte[layerBytes];
        new Random(seed.GetHashCode(StringComparison.Ordinal)).NextBytes(layer);
        System.Text.Encoding.UTF8.GetBytes(seed).AsSpan(0, Math.Min(seed.Length, layerBytes)).CopyTo(layer);
        Descriptor layerDescriptor = Add(MediaTypes.OciLayerTarGzip, layer);
        byte[] config = JsonSerializer.SerializeToUtf8Bytes(new { architecture = "amd64", os = "linux", config = new { Labels = new Dictionary<string, string> { ["seed"] = seed } }, rootfs = new { type = "layers", diff_ids = new[] { layerDescriptor.Digest.ToString() } } });
        Descriptor configDescriptor = Add(MediaTypes.OciConfig, config);
        Layers = [configDescriptor.Digest, layerDescriptor.Digest];
        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            schemaVersion = 2,
            mediaType = MediaTypes.OciManifest,
            config = Describe(configDescriptor),
            layers = new[] { Describe(layerDescriptor) },
        });
        Root = Add(MediaTypes.OciManifest, manifest);
    }

    /// <summary>The manifest.</summary>
    public Descriptor Root { get; }

    /// <summary>Config and layer digests.</summary>
    public IReadOnlyList<Digest> Layers { get; }

    /// <summary>An image whose content is unique to <paramref name="seed"/>, with one layer of <paramref name="layerBytes"/> bytes.</summary>
    public static SyntheticImage Create(string seed, int layerBytes = 4096) => new(seed, layerBytes);

    /// <summary>Blobs, layer links, the manifest link, then the tag (when given).</summary>
    public async Task PushToAsync(IRegionStore store, string repository, string? tag, CancellationToken cancellationToken = default)
    {
        RepositoryName name = RepositoryName.Parse(repository);
        foreach ((Digest digest, byte[] bytes) in _blobs)
        {
            await store.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length, cancellationToken);
        }

        foreach (Digest layer in Layers)
        {
            await store.LinkLayerAsync(name, layer, cancellationToken);
        }

        await store.LinkManifestAsync(name, Root.Digest, cancellationToken);
        if (tag is not null)
        {
            await store.SetTagAsync(name, Tag.Parse(tag), Root.Digest, cancellationToken);
        }
    }

    private Descriptor Add(string mediaType, byte[] bytes)
    {
        Digest digest = Digest.Compute(bytes);
        _blobs.Add((digest, bytes));
        return new Descriptor(mediaType, digest, bytes.Length);
    }

    private static object Describe(Descriptor d) => new { mediaType = d.MediaType, digest = d.Digest.ToString(), size = d.Size };
}
