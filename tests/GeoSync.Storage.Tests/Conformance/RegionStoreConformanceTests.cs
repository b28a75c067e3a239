using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Testing;

namespace GeoSync.Storage.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IRegionStore"/> driver must show, written once and run against each driver: a
/// driver's test class derives from this one and supplies two fresh, empty stores of its kind (two regions, so that
/// server-side copy is covered too) and a way to read a raw file of the distribution layout (to check that a stock
/// registry would find exactly what it expects). xunit makes a new instance per test, so every test gets new stores.
/// </summary>
public abstract partial class RegionStoreConformanceTests : IAsyncLifetime
{
    /// <summary>The store under test.</summary>
    protected IRegionStore Store { get; private set; } = null!;

    /// <summary>A second, independent store of the same kind (another region): the source of server-side copies.</summary>
    protected IRegionStore OtherStore { get; private set; } = null!;

    /// <summary>Creates two fresh, empty stores of the driver under test, for two different regions.</summary>
    protected abstract Task<(IRegionStore Store, IRegionStore OtherStore)> CreateStoresAsync();

    /// <summary>
    /// The raw text of the file at <paramref name="layoutPath"/> (a <see cref="Layout.DistributionLayout"/> path) in
    /// <paramref name="store"/>, or null when there is no such file.
    /// </summary>
    protected abstract Task<string?> ReadLayoutFileAsync(IRegionStore store, string layoutPath);

    /// <summary>Releases what <see cref="CreateStoresAsync"/> made.</summary>
    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => (Store, OtherStore) = await CreateStoresAsync();

    public Task DisposeAsync() => DisposeStoresAsync();

    /// <summary>Unique small content for one test, with its digest.</summary>
    protected static (byte[] Bytes, Digest Digest) NewContent(string label = "blob")
    {
        byte[] bytes = Encoding.UTF8.GetBytes($"{label} {Guid.NewGuid():N}");
        return (bytes, Digest.Compute(bytes));
    }

    /// <summary>Unique content of <paramref name="length"/> bytes generated on the fly, with its digest.</summary>
    protected static (GeneratedContentStream Stream, Digest Digest, ulong Seed) NewGeneratedContent(long length)
    {
        ulong seed = (ulong)Random.Shared.NextInt64();
        return (new GeneratedContentStream(length, seed), GeneratedContentStream.DigestOf(length, seed), seed);
    }

    protected static async Task<byte[]> ReadAllAsync(IRegionStore store, Digest digest)
    {
        await using Stream stream = await store.OpenBlobAsync(digest);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected static async Task<Digest> HashBlobAsync(IRegionStore store, Digest digest)
    {
        await using Stream stream = await store.OpenBlobAsync(digest);
        return await Digest.ComputeAsync(stream);
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

    protected static RepositoryName Repo(string name) => RepositoryName.Parse(name);

    protected static Tag TagOf(string name) => Tag.Parse(name);
}
