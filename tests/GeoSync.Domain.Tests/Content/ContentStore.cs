using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using GeoSync.Domain.Content;

namespace GeoSync.Domain.Tests.Content;

/// <summary>
/// An in-memory content-addressed store for image graph tests: it writes real manifest JSON, addresses it by its
/// SHA-256, and serves it through the fetch delegate <see cref="GeoSync.Domain.Content.Graph.ImageGraphBuilder"/> takes.
/// </summary>
internal sealed class ContentStore
{
    private readonly ConcurrentDictionary<Digest, byte[]> _content = new();
    private readonly ConcurrentDictionary<Digest, int> _fetches = new();

    /// <summary>How often each digest was fetched.</summary>
    public IReadOnlyDictionary<Digest, int> Fetches => _fetches;

    /// <summary>A blob descriptor (blobs are never fetched, so only the digest and size matter).</summary>
    public static Descriptor Blob(string content, string mediaType = MediaTypes.OciLayerTarGzip)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        return new Descriptor(mediaType, Digest.Compute(bytes), bytes.Length);
    }

    /// <summary>Stores an OCI image manifest.</summary>
    public Descriptor Manifest(Descriptor config, IEnumerable<Descriptor> layers, Descriptor? subject = null, string? artifactType = null,
        string mediaType = MediaTypes.OciManifest)
    {
        var json = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["config"] = ToJson(config),
            ["layers"] = new JsonArray([.. layers.Select(ToJson)]),
        };
        if (artifactType is not null)
        {
            json["artifactType"] = artifactType;
        }

        if (subject is not null)
        {
            json["subject"] = ToJson(subject);
        }

        return Put(json, mediaType);
    }

    /// <summary>Stores an index of <paramref name="entries"/>.</summary>
    public Descriptor Index(IEnumerable<Descriptor> entries, string mediaType = MediaTypes.OciIndex) =>
        Put(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["manifests"] = new JsonArray([.. entries.Select(ToJson)]),
        }, mediaType);

    /// <summary>Stores raw bytes under a digest of the caller's choosing (to model a store that lies).</summary>
    public void PutAt(Digest digest, string content) => _content[digest] = Encoding.UTF8.GetBytes(content);

    /// <summary>Stores raw bytes under their own digest.</summary>
    public Descriptor PutRaw(string content, string mediaType)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        Digest digest = Digest.Compute(bytes);
        _content[digest] = bytes;
        return new Descriptor(mediaType, digest, bytes.Length);
    }

    /// <summary>The fetch delegate.</summary>
    public ValueTask<ReadOnlyMemory<byte>> FetchAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _fetches.AddOrUpdate(descriptor.Digest, 1, (_, n) => n + 1);
        return _content.TryGetValue(descriptor.Digest, out byte[]? bytes)
            ? ValueTask.FromResult<ReadOnlyMemory<byte>>(bytes)
            : ValueTask.FromException<ReadOnlyMemory<byte>>(new FileNotFoundException($"no content {descriptor.Digest}"));
    }

    /// <summary>The stored bytes of a digest.</summary>
    public byte[] this[Digest digest] => _content[digest];

    private Descriptor Put(JsonObject json, string mediaType)
    {
        Descriptor stored = PutRaw(json.ToJsonString(), mediaType);
        return stored;
    }

    private static JsonObject ToJson(Descriptor descriptor)
    {
        var json = new JsonObject
        {
            ["mediaType"] = descriptor.MediaType,
            ["digest"] = descriptor.Digest.ToString(),
            ["size"] = descriptor.Size,
        };
        if (descriptor.Platform is { } platform)
        {
            var p = new JsonObject { ["architecture"] = platform.Architecture, ["os"] = platform.Os };
            if (platform.Variant is not null)
            {
                p["variant"] = platform.Variant;
            }

            json["platform"] = p;
        }

        if (descriptor.ArtifactType is not null)
        {
            json["artifactType"] = descriptor.ArtifactType;
        }

        return json;
    }
}
