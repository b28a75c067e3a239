using System.Runtime.CompilerServices;
using Azure.Storage.Blobs.Models;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;

namespace GeoSync.Storage.Azure;

/// <summary>
/// Listing by walking "folders": hierarchical listings with delimiter <c>/</c>, one request (page) per folder visited,
/// so listing repositories costs one call per repository path component instead of one item per link.
/// </summary>
public sealed partial class AzureBlobRegionStore
{
    /// <inheritdoc />
    public async IAsyncEnumerable<RepositoryName> ListRepositoriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string operation = "list repositories";
        const string root = DistributionLayout.RepositoriesRoot + "/";
        // A folder is a repository when it holds _layers or _manifests; it may also hold nested repositories
        // (a/ and a/b/), so the walk continues below it. Repository name components never start with '_'.
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out string? folder))
        {
            bool isRepository = false;
            var children = new List<string>();
            await foreach (string child in ChildFoldersAsync(folder, operation, cancellationToken).ConfigureAwait(false))
            {
                string name = child[folder.Length..^1];
                if (name is "_layers" or "_manifests")
                {
                    isRepository = true;
                }
                else if (!name.StartsWith('_'))
                {
                    children.Add(child);
                }
            }

            if (isRepository && RepositoryName.TryParse(folder[root.Length..^1], out RepositoryName repository, out _))
            {
                yield return repository;
            }

            // Reversed, so the walk yields names in the service's (lexicographic) order.
            for (int i = children.Count - 1; i >= 0; i--)
            {
                pending.Push(children[i]);
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Tag> ListTagsAsync(RepositoryName repository, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string folder = DistributionLayout.Tags(repository) + "/";
        await foreach (string child in ChildFoldersAsync(folder, $"list tags of {repository}", cancellationToken).ConfigureAwait(false))
        {
            if (Tag.TryParse(child[folder.Length..^1], out Tag tag, out _))
            {
                yield return tag;
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Digest> ListManifestRevisionsAsync(RepositoryName repository, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string folder = DistributionLayout.ManifestRevisions(repository) + "/";
        await foreach (string child in ChildFoldersAsync(folder, $"list manifest revisions of {repository}", cancellationToken).ConfigureAwait(false))
        {
            if (Digest.TryParse($"{Digest.Sha256}:{child[folder.Length..^1]}", out Digest digest))
            {
                yield return digest;
            }
        }
    }

    /// <summary>The layout paths of the folders directly under <paramref name="folder"/> (which ends with '/'), each ending with '/'.</summary>
    private async IAsyncEnumerable<string> ChildFoldersAsync(string folder, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerable<BlobHierarchyItem> items = Container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", BlobName(folder), cancellationToken);
        await foreach (BlobHierarchyItem item in TranslateAsync(items, operation, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix)
            {
                yield return item.Prefix[_prefix.Length..];
            }
        }
    }

    /// <summary>The layout paths of every blob whose path starts with <paramref name="layoutPrefix"/>.</summary>
    private async IAsyncEnumerable<string> ListBlobNamesAsync(string layoutPrefix, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerable<BlobItem> items = Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, BlobName(layoutPrefix), cancellationToken);
        await foreach (BlobItem item in TranslateAsync(items, operation, cancellationToken).ConfigureAwait(false))
        {
            yield return item.Name[_prefix.Length..];
        }
    }

    /// <summary>Passes items through, translating store failures; a missing container lists as empty.</summary>
    private async IAsyncEnumerable<T> TranslateAsync<T>(IAsyncEnumerable<T> items, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<T> enumerator = items.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (AzureFailures.HasStatus(e, 404))
                {
                    more = false;
                }
                catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
                {
                    throw AzureFailures.Translate(Region, operation, e);
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
