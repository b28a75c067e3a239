using System.Collections.Concurrent;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage.Registry;

/// <summary>
/// Which repository of the registry was last seen holding each blob (written, mounted or found there): the source of
/// a cross-repository mount, and the answer to "does the region hold this blob" where no repository is named. Held in
/// memory: after a restart a shared blob is found again in the repository asking for it, or crosses once more.
/// </summary>
internal sealed class BlobHolders
{
    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<Digest, RepositoryName> _holders = new();

    public void Saw(Digest digest, RepositoryName repository)
    {
        if (_holders.Count >= Capacity)
        {
            _holders.Clear();
        }

        _holders[digest] = repository;
    }

    /// <summary>A repository other than <paramref name="except"/> last seen holding the blob, or null.</summary>
    public RepositoryName? Find(Digest digest, RepositoryName? except = null) =>
        _holders.TryGetValue(digest, out RepositoryName holder) && holder != except ? holder : null;

    /// <summary>Forgets a holder that turned out not to hold the blob any more.</summary>
    public void Forget(Digest digest, RepositoryName repository) =>
        _holders.TryRemove(new KeyValuePair<Digest, RepositoryName>(digest, repository));
}
