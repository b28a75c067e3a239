using System.Runtime.CompilerServices;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;
using GeoSync.Domain.Text;

namespace GeoSync.Storage.FileSystem;

public sealed partial class FileSystemRegionStore
{
    /// <summary>
    /// Walks <c>repositories/</c> depth-first: a folder holding <c>_manifests</c> or <c>_layers</c> is a repository,
    /// and folders below it may be repositories too (<c>team</c> and <c>team/app</c>); <c>_</c>-folders are never names.
    /// </summary>
    public async IAsyncEnumerable<RepositoryName> ListRepositoriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string operation = "list repositories";
        string root = PathOf(DistributionLayout.RepositoriesRoot);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string folder = pending.Pop();
            string[] children = Guard(operation, () => SubfolderNames(folder));
            if (folder != root && (children.Contains("_manifests") || children.Contains("_layers")))
            {
                string name = Path.GetRelativePath(root, folder).Replace(Path.DirectorySeparatorChar, '/');
                if (RepositoryName.TryParse(name, out RepositoryName repository, out string? error))
                {
                    yield return repository;
                }
                else
                {
                    LogListingSkipped(Region, LogText.Escape(folder), LogText.Escape(error));
                }
            }

            // Pushed in reverse so the walk visits children in ordinal order.
            foreach (string child in children.Where(c => !c.StartsWith('_')).OrderDescending(StringComparer.Ordinal))
            {
                pending.Push(Path.Combine(folder, child));
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Every tag folder holding a <c>current/link</c>, in ordinal order.</summary>
    public async IAsyncEnumerable<Tag> ListTagsAsync(RepositoryName repository, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string operation = $"list tags of '{repository}'";
        string tags = PathOf(DistributionLayout.Tags(repository));
        string[] names = Guard(operation, () => SubfolderNames(tags));
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Tag.TryParse(name, out Tag tag, out string? error))
            {
                LogListingSkipped(Region, LogText.Escape(Path.Combine(tags, name)), LogText.Escape(error));
                continue;
            }

            if (Guard(operation, () => File.Exists(PathOf(DistributionLayout.TagCurrentLink(repository, tag)))))
            {
                yield return tag;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Every <c>_manifests/revisions/sha256/&lt;hex&gt;</c> folder holding a link, in ordinal order.</summary>
    public async IAsyncEnumerable<Digest> ListManifestRevisionsAsync(RepositoryName repository, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string operation = $"list manifest revisions of '{repository}'";
        string revisions = PathOf(DistributionLayout.ManifestRevisions(repository));
        string[] names = Guard(operation, () => SubfolderNames(revisions));
        foreach (string hex in names.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Digest.TryParse($"{Digest.Sha256}:{hex}", out Digest digest, out string? error))
            {
                LogListingSkipped(Region, LogText.Escape(Path.Combine(revisions, hex)), LogText.Escape(error));
                continue;
            }

            if (Guard(operation, () => File.Exists(PathOf(DistributionLayout.ManifestRevisionLink(repository, digest)))))
            {
                yield return digest;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>The names of a folder's subfolders; none when the folder does not exist.</summary>
    private static string[] SubfolderNames(string folder)
    {
        try
        {
            return [.. Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>()];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
