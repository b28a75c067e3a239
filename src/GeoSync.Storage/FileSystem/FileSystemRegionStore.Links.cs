using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;

namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    /// <inheritdoc />
    public Task LinkLayerAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        WriteLinkAsync($"link layer {digest.Short} into '{repository}'", DistributionLayout.LayerLink(repository, digest), digest, cancellationToken);

    /// <inheritdoc />
    public Task<bool> HasLayerLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        HasLinkAsync($"read layer link {digest.Short} of '{repository}'", DistributionLayout.LayerLink(repository, digest), digest, cancellationToken);

    /// <inheritdoc />
    public Task LinkManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        WriteLinkAsync($"link manifest {digest.Short} into '{repository}'", DistributionLayout.ManifestRevisionLink(repository, digest), digest, cancellationToken);

    /// <inheritdoc />
    public Task<bool> HasManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        HasLinkAsync($"read manifest link {digest.Short} of '{repository}'", DistributionLayout.ManifestRevisionLink(repository, digest), digest, cancellationToken);

    /// <inheritdoc />
    public async Task<Digest?> ReadTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) =>
        await ReadLinkAsync($"read tag '{repository}:{tag}'", DistributionLayout.TagCurrentLink(repository, tag), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task SetTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken cancellationToken = default)
    {
        string operation = $"set tag '{repository}:{tag}' to {digest.Short}";
        string indexLink = DistributionLayout.TagIndexLink(repository, tag, digest);
        // The index link of a digest never changes, so a tag moving back to a digest it named before reuses it.
        if (!await HasLinkAsync(operation, indexLink, digest, cancellationToken).ConfigureAwait(false))
        {
            await WriteLinkAsync(operation, indexLink, digest, cancellationToken).ConfigureAwait(false);
        }

        await WriteLinkAsync(operation, DistributionLayout.TagCurrentLink(repository, tag), digest, cancellationToken).ConfigureAwait(false);
        LogTagSet(Region, repository.Value, tag.Value, digest);
    }

    /// <inheritdoc />
    public Task DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string operation = $"delete tag '{repository}:{tag}'";
        string folder = PathOf(DistributionLayout.Tag(repository, tag));
        RemoveFolder(operation, folder);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        DeleteLinkAsync($"delete manifest link {digest.Short} of '{repository}'", DistributionLayout.ManifestRevisionLink(repository, digest), cancellationToken);

    /// <summary>Writes a link through a temporary file and an atomic rename, so a reader sees the old link or the new one, never an empty one.</summary>
    private Task WriteLinkAsync(string operation, string layoutPath, Digest digest, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string target = PathOf(layoutPath);
        string temporary = Guard(operation, NewTemporaryPath);
        bool moved = false;
        try
        {
            Guard(operation, () =>
            {
                using (FileStream file = CreateTemporary(temporary))
                {
                    file.Write(Encoding.ASCII.GetBytes(DistributionLayout.LinkContent(digest)));
                    file.Flush(flushToDisk: true);
                }

                try
                {
                    File.Move(temporary, target, overwrite: true);
                }
                catch (DirectoryNotFoundException)
                {
                    // The link's folder is new (most are not: a tag moves far more often than it is created).
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Move(temporary, target, overwrite: true);
                }

                moved = true;
            });
        }
        finally
        {
            if (!moved)
            {
                DeleteQuietly(temporary);
            }
        }

        return Task.CompletedTask;
    }

    private async Task<bool> HasLinkAsync(string operation, string layoutPath, Digest digest, CancellationToken cancellationToken) =>
        await ReadLinkAsync(operation, layoutPath, cancellationToken).ConfigureAwait(false) == digest;

    /// <summary>The digest a link file names, or null when there is no link file.</summary>
    private Task<Digest?> ReadLinkAsync(string operation, string layoutPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = PathOf(layoutPath);
        return Task.FromResult(Guard(operation, () =>
        {
            string content;
            try
            {
                content = File.ReadAllText(path, Encoding.ASCII);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return (Digest?)null;
            }

            if (DistributionLayout.IsPartialLink(content))
            {
                throw new RegionStoreException(Region, operation, RegionStoreFailure.Unavailable, $"link {layoutPath} is being written");
            }

            // We write no whitespace, but tolerate a hand-written link's trailing newline.
            if (!Digest.TryParse(content.Trim(), out Digest digest, out string? error))
            {
                throw new RegionStoreException(Region, operation, RegionStoreFailure.Failed, $"link {layoutPath} is corrupt: {error}");
            }

            return digest;
        }));
    }

    /// <summary>Deletes a link file and its now-empty folder, as the registry does.</summary>
    private Task DeleteLinkAsync(string operation, string layoutPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = PathOf(layoutPath);
        RemoveFolder(operation, Path.GetDirectoryName(path)!);
        return Task.CompletedTask;
    }

    /// <summary>Renames a folder out of the layout, then deletes it: readers see it whole or gone, never half-deleted.</summary>
    private void RemoveFolder(string operation, string folder) => Guard(operation, () =>
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        string trash = NewTemporaryPath();
        try
        {
            Directory.Move(folder, trash);
        }
        catch (DirectoryNotFoundException)
        {
            return; // removed concurrently
        }

        Directory.Delete(trash, recursive: true);
    });
}
