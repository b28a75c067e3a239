using System.Text.Json;
using System.Text.Json.Nodes;
using GeoSync.Domain.Content;

namespace GeoSync.Testing.Registry;

/// <summary>
/// An OCI image layout on disk, built without a container engine: <c>umoci</c> creates images and their configs,
/// GNU tar makes the layers (umoci 0.4.7's own <c>insert</c> writes tars without end-of-archive blocks, which GNU
/// tar rejects), and a multi-platform index is written here as JSON. Push and pull it with <see cref="Skopeo"/>.
/// </summary>
public sealed class OciLayout
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private OciLayout(string path) => Path = path;

    /// <summary>The layout's folder (holding <c>oci-layout</c>, <c>index.json</c> and <c>blobs/</c>).</summary>
    public string Path { get; }

    /// <summary>Creates an empty layout at <paramref name="path"/> (<c>umoci init</c>).</summary>
    public static async Task<OciLayout> CreateAsync(string path, CancellationToken cancellationToken = default)
    {
        await ExternalProcess.RunAsync("umoci", ["init", "--layout", path], cancellationToken: cancellationToken).ConfigureAwait(false);
        return new OciLayout(path);
    }

    /// <summary>Opens an existing layout (e.g. one skopeo pulled into).</summary>
    public static OciLayout Open(string path) =>
        File.Exists(System.IO.Path.Combine(path, "index.json")) ? new OciLayout(path) : throw new DirectoryNotFoundException($"no OCI layout at {path}");

    /// <summary>
    /// Adds a single-platform image under <paramref name="tag"/>: one layer per entry of <paramref name="layers"/>
    /// (file path inside the image → content), made reproducible (ustar, fixed mtime, root owner).
    /// </summary>
    public async Task<Digest> AddImageAsync(
        string tag, IReadOnlyList<IReadOnlyDictionary<string, string>> layers, Platform platform, CancellationToken cancellationToken = default)
    {
        string image = $"{Path}:{tag}";
        await ExternalProcess.RunAsync("umoci", ["new", "--image", image], cancellationToken: cancellationToken).ConfigureAwait(false);
        using var work = new TestDirectory("layer");
        for (int i = 0; i < layers.Count; i++)
        {
            string root = work.Combine($"rootfs{i}");
            Directory.CreateDirectory(root);
            foreach ((string file, string content) in layers[i])
            {
                string target = System.IO.Path.Combine(root, file.TrimStart('/'));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                await File.WriteAllTextAsync(target, content, cancellationToken).ConfigureAwait(false);
            }

            string tar = work.Combine($"layer{i}.tar");
            await ExternalProcess.RunAsync(
                "tar",
                ["--format=ustar", "--mtime=@0", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "-C", root, "-cf", tar, "."],
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await ExternalProcess.RunAsync("umoci", ["raw", "add-layer", "--image", image, tar], cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        // umoci 0.4.7 has no --variant: a variant is recorded only where an index lists the image (AddIndex).
        await ExternalProcess.RunAsync(
            "umoci",
            ["config", "--image", image, "--os", platform.Os, "--architecture", platform.Architecture, "--config.cmd", "/bin/true"],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return DigestOf(tag);
    }

    /// <summary>Adds an OCI image index under <paramref name="tag"/> listing the images already tagged <paramref name="platformTags"/>.</summary>
    public Digest AddIndex(string tag, IReadOnlyList<(string Tag, Platform Platform)> platformTags)
    {
        JsonObject layoutIndex = ReadLayoutIndex();
        var manifests = new JsonArray();
        foreach ((string platformTag, Platform platform) in platformTags)
        {
            JsonObject entry = FindTag(layoutIndex, platformTag) ?? throw new InvalidOperationException($"layout {Path} has no tag '{platformTag}'");
            var platformJson = new JsonObject { ["architecture"] = platform.Architecture, ["os"] = platform.Os };
            if (platform.Variant is not null)
            {
                platformJson["variant"] = platform.Variant;
            }

            manifests.Add(new JsonObject
            {
                ["mediaType"] = entry["mediaType"]!.GetValue<string>(),
                ["digest"] = entry["digest"]!.GetValue<string>(),
                ["size"] = entry["size"]!.GetValue<long>(),
                ["platform"] = platformJson,
            });
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = manifests };
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(index);
        Digest digest = Digest.Compute(bytes);
        File.WriteAllBytes(BlobPath(digest), bytes);

        ((JsonArray)layoutIndex["manifests"]!).Add(new JsonObject
        {
            ["mediaType"] = MediaTypes.OciIndex,
            ["digest"] = digest.ToString(),
            ["size"] = bytes.Length,
            ["annotations"] = new JsonObject { [RefNameAnnotation] = tag },
        });
        File.WriteAllText(System.IO.Path.Combine(Path, "index.json"), layoutIndex.ToJsonString());
        return digest;
    }

    /// <summary>The digest of the manifest or index tagged <paramref name="tag"/> in this layout.</summary>
    public Digest DigestOf(string tag)
    {
        JsonObject entry = FindTag(ReadLayoutIndex(), tag) ?? throw new InvalidOperationException($"layout {Path} has no tag '{tag}'");
        return Digest.Parse(entry["digest"]!.GetValue<string>());
    }

    /// <summary>Every blob the layout holds (manifests, configs, layers).</summary>
    public IReadOnlySet<Digest> Blobs() =>
        Directory.EnumerateFiles(System.IO.Path.Combine(Path, "blobs", Digest.Sha256))
            .Select(f => Digest.Parse($"{Digest.Sha256}:{System.IO.Path.GetFileName(f)}"))
            .ToHashSet();

    /// <summary>The file holding a blob.</summary>
    public string BlobPath(Digest digest) => System.IO.Path.Combine(Path, "blobs", digest.Algorithm, digest.Hex);

    private JsonObject ReadLayoutIndex() =>
        JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(Path, "index.json")))!.AsObject();

    private static JsonObject? FindTag(JsonObject layoutIndex, string tag) =>
        layoutIndex["manifests"]!.AsArray().OfType<JsonObject>()
            .LastOrDefault(m => m["annotations"]?[RefNameAnnotation]?.GetValue<string>() == tag);
}
