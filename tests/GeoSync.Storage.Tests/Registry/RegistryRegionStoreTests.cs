using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;
using GeoSync.Storage.Registry;
using GeoSync.Testing;

namespace GeoSync.Storage.Tests.Registry;

/// <summary>
/// What the other stores' conformance suite asks of a store, asked of the registry store through the operations that
/// name a repository (a registry reaches blobs only through one), against a real registry: a derived class supplies
/// the registry (anonymous or with basic auth). What the registry really holds is checked in its own storage folder
/// and its access log, not only through the store.
/// </summary>
public abstract partial class RegistryRegionStoreTests : IDisposable
{
    protected RegistryRegionStoreTests(RegistryStoreFixture fixture)
    {
        Fixture = fixture;
        Store = fixture.NewStore();
    }

    protected RegistryStoreFixture Fixture { get; }

    protected RegistryRegionStore Store { get; }

    public void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static RepositoryName NewRepository(string prefix = "team/app") => RepositoryName.Parse(RegistryStoreFixture.NewRepository(prefix));

    protected static (byte[] Bytes, Digest Digest) NewContent(string label = "blob")
    {
        byte[] bytes = Encoding.UTF8.GetBytes($"{label} {Guid.NewGuid():N}");
        return (bytes, Digest.Compute(bytes));
    }

    protected static (GeneratedContentStream Stream, Digest Digest, ulong Seed) NewGeneratedContent(long length)
    {
        ulong seed = (ulong)Random.Shared.NextInt64();
        return (new GeneratedContentStream(length, seed), GeneratedContentStream.DigestOf(length, seed), seed);
    }

    protected async Task<byte[]> ReadAllAsync(RepositoryName repository, Digest digest)
    {
        await using Stream stream = await Store.OpenBlobAsync(repository, digest);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>True when the registry's own storage links the blob into the repository (what it serves it by).</summary>
    protected bool RegistryLinksLayer(RepositoryName repository, Digest digest) =>
        File.Exists(Path.Combine(Fixture.Registry.StorageRoot, DistributionLayout.LayerLink(repository, digest)));

    /// <summary>True when the registry's own storage holds the blob's bytes at all.</summary>
    protected bool RegistryHoldsData(Digest digest) =>
        File.Exists(Path.Combine(Fixture.Registry.StorageRoot, DistributionLayout.BlobData(digest)));

    /// <summary>Asserts the repository does not serve the blob and the registry stored none of it.</summary>
    protected async Task AssertNoBlobAsync(RepositoryName repository, Digest digest)
    {
        Assert.Null(await Store.StatBlobAsync(repository, digest));
        Assert.False(RegistryHoldsData(digest), "the registry stored the blob's data");
        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.OpenBlobAsync(repository, digest));
        Assert.Equal(RegionStoreFailure.NotFound, failure.Failure);
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
