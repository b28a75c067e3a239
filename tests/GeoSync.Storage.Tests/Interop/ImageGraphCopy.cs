using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage.Tests.Interop;

/// <summary>
/// Copies one image between region stores in the order replication uses, so a registry over the target never
/// serves a tag whose content is incomplete: blobs (streamed through the driver, or copied server-side) and their
/// layer links first, then each manifest with its revision link children-first, and the tag last.
/// </summary>
public sealed class ImageGraphCopy(IRegionStore source, IRegionStore target, bool serverSide)
{
    /// <summary>Bytes the target store reported writing: only what it lacked.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Copies the image <paramref name="tag"/> names in <paramref name="from"/> into <paramref name="to"/>; sets the tag when <paramref name="setTag"/>.</summary>
    public async Task<ImageGraph> CopyTagAsync(RepositoryName from, Tag tag, RepositoryName to, bool setTag = true)
    {
        Digest root = await source.ReadTagAsync(from, tag) ?? throw new InvalidOperationException($"region '{source.Region}' has no tag {from}:{tag}");
        long rootSize = await source.StatBlobAsync(root) ?? throw new InvalidOperationException($"region '{source.Region}' lacks manifest {root}");
        ImageGraph graph = await ImageGraph.ResolveAsync(root, rootSize, ReadSourceAsync);

        foreach (Descriptor blob in graph.Blobs)
        {
            await CopyBlobAsync(blob);
            await target.LinkLayerAsync(to, blob.Digest);
        }

        foreach (Descriptor manifest in graph.ManifestsChildrenFirst)
        {
            await CopyBlobAsync(manifest);
            await target.LinkManifestAsync(to, manifest.Digest);
        }

        if (setTag)
        {
            await target.SetTagAsync(to, tag, root);
        }

        return graph;
    }

    private async Task CopyBlobAsync(Descriptor blob)
    {
        if (serverSide && target.CanCopyServerSide(source))
        {
            BytesWritten += await target.CopyBlobServerSideAsync(source, blob.Digest, blob.Size);
            return;
        }

        await using Stream content = await source.OpenBlobAsync(blob.Digest);
        BytesWritten += await target.WriteBlobAsync(blob.Digest, content, blob.Size);
    }

    private async Task<byte[]> ReadSourceAsync(Digest digest)
    {
        await using Stream stream = await source.OpenBlobAsync(digest);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
