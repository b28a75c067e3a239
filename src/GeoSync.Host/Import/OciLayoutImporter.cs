using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Names;
using GeoSync.Storage;

namespace GeoSync.Host.Import;

/// <summary>What an import wrote.</summary>
/// <param name="Root">The imported manifest or index.</param>
/// <param name="BytesWritten">Blob bytes written into the store (blobs it already held cost nothing).</param>
/// <param name="Blobs">Blobs and manifests of the image graph.</param>
public sealed record ImportResult(Descriptor Root, long BytesWritten, int Blobs);

/// <summary>
/// Writes an image from an OCI image layout (a directory with <c>oci-layout</c>, <c>index.json</c> and
/// <c>blobs/sha256/</c>) into a region's store: every blob verified, links children-first, the tag last — the same
/// order replication uses, so the region's registry never serves the tag before its content.
/// </summary>
public static class OciLayoutImporter
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    /// <summary>Imports the layout entry named <paramref name="reference"/> (or the only entry) as <paramref name="repository"/>:<paramref name="tag"/>.</summary>
    public static async Task<ImportResult> ImportAsync(string layout, string? reference, IRegionStore store, RepositoryName repository, Tag tag, CancellationToken cancellationToken = default)
    {
        Descriptor root = await FindRootAsync(layout, reference, cancellationToken).ConfigureAwait(false);
        var builder = new ImageGraphBuilder((descriptor, ct) => ReadBlobAsync(layout, descriptor, ct));
        ImageGraph graph = await builder.BuildAsync(root, cancellationToken).ConfigureAwait(false);
        long written = 0;
        foreach (Descriptor blob in graph.Blobs.Concat(graph.Manifests).Select(n => n.Descriptor))
        {
            await using FileStream content = OpenBlob(layout, blob.Digest);
            written += await store.WriteBlobAsync(blob.Digest, content, blob.Size, cancellationToken).ConfigureAwait(false);
        }

        foreach (Descriptor blob in graph.Blobs.Select(n => n.Descriptor))
        {
            await store.LinkLayerAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false);
        }

        foreach (Descriptor manifest in graph.Manifests.Select(n => n.Descriptor))
        {
            await store.LinkManifestAsync(repository, manifest.Digest, cancellationToken).ConfigureAwait(false);
        }

        await store.SetTagAsync(repository, tag, root.Digest, cancellationToken).ConfigureAwait(false);
        return new ImportResult(root, written, graph.Blobs.Count + graph.Manifests.Count);
    }

    private static async Task<Descriptor> FindRootAsync(string layout, string? reference, CancellationToken cancellationToken)
    {
        string indexPath = Path.Combine(layout, "index.json");
        if (!File.Exists(Path.Combine(layout, "oci-layout")) || !File.Exists(indexPath))
        {
            throw new InvalidDataException($"{layout}: not an OCI image layout (oci-layout and index.json are required)");
        }

        await using FileStream stream = File.OpenRead(indexPath);
        using JsonDocument document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("manifests", out JsonElement manifests) || manifests.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{indexPath}: manifests: required array is missing");
        }

        var entries = new List<(Descriptor Descriptor, string? Name)>();
        int i = 0;
        foreach (JsonElement entry in manifests.EnumerateArray())
        {
            string field = $"manifests[{i++}]";
            string mediaType = entry.TryGetProperty("mediaType", out JsonElement m) ? m.GetString() ?? string.Empty : string.Empty;
            if (!entry.TryGetProperty("digest", out JsonElement d) || !Digest.TryParse(d.GetString(), out Digest digest, out string? error))
            {
                throw new InvalidDataException($"{indexPath}: {field}.digest: {(d.ValueKind == JsonValueKind.Undefined ? "missing" : "invalid")}");
            }

            long size = entry.TryGetProperty("size", out JsonElement s) && s.TryGetInt64(out long value) ? value : -1;
            string? name = entry.TryGetProperty("annotations", out JsonElement a) && a.TryGetProperty(RefNameAnnotation, out JsonElement n) ? n.GetString() : null;
            entries.Add((new Descriptor(mediaType, digest, size), name));
        }

        if (reference is not null)
        {
            return entries.FirstOrDefault(e => e.Name == reference).Descriptor
                ?? throw new InvalidDataException($"{indexPath}: no manifest is annotated {RefNameAnnotation}={reference}");
        }

        return entries.Count == 1
            ? entries[0].Descriptor
            : throw new InvalidDataException($"{indexPath}: holds {entries.Count} manifests; name one with its {RefNameAnnotation}");
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadBlobAsync(string layout, Descriptor descriptor, CancellationToken cancellationToken) =>
        await File.ReadAllBytesAsync(BlobPath(layout, descriptor.Digest), cancellationToken).ConfigureAwait(false);

    private static FileStream OpenBlob(string layout, Digest digest)
    {
        string path = BlobPath(layout, digest);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan)
            : throw new InvalidDataException($"{layout}: blob {digest} is missing from blobs/sha256");
    }

    private static string BlobPath(string layout, Digest digest) => Path.Combine(layout, "blobs", digest.Algorithm, digest.Hex);
}
