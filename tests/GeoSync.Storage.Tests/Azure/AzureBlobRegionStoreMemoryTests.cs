using GeoSync.Domain.Content;
using GeoSync.Storage.Azure;
using GeoSync.Storage.Tests.Azure.Support;
using GeoSync.Testing;
using GeoSync.Testing.Azurite;
using Xunit.Abstractions;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>Runs alone (allocation counts are process-wide), on its own Azurite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AzuriteIsolatedCollection : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite, not in parallel";
}

/// <summary>Memory use of streaming transfers must not grow with the blob's size.</summary>
[Collection(AzuriteIsolatedCollection.Name)]
public sealed class AzureBlobRegionStoreMemoryTests(AzuriteServer azurite, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task WriteAndReadBlob_FourTimesLarger_AllocateNothingPerByte()
    {
        // Small blocks keep the test fast; the bound scales with them (each block in flight is one pooled buffer).
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.BlockSize = (int)(2 * MiB));
        // Warm-up: the pooled block buffers, the HTTP connections and the JIT are paid once, not per blob.
        await WriteAsync(store, 8 * MiB, seed: 1);

        long small = await WriteAsync(store, 8 * MiB, seed: 2);
        long large = await WriteAsync(store, 32 * MiB, seed: 3);
        long smallRead = await ReadAsync(store, 8 * MiB, seed: 2);
        long largeRead = await ReadAsync(store, 32 * MiB, seed: 3);

        output.WriteLine($"allocated: write 8 MiB {small / 1024} KiB, write 32 MiB {large / 1024} KiB; read 8 MiB {smallRead / 1024} KiB, read 32 MiB {largeRead / 1024} KiB");
        // Per-request bookkeeping is allowed; anything proportional to the bytes is not.
        Assert.True(large < 32 * MiB / 16, $"a write of 32 MiB allocated {large} bytes");
        Assert.True(large - small < 24 * MiB / 16, $"a write of 32 MiB allocated {large} bytes, of 8 MiB {small}");
        Assert.True(largeRead < 32 * MiB / 16, $"a read of 32 MiB allocated {largeRead} bytes");
        Assert.True(largeRead - smallRead < 24 * MiB / 16, $"a read of 32 MiB allocated {largeRead} bytes, of 8 MiB {smallRead}");
    }

    private static async Task<long> WriteAsync(AzureBlobRegionStore store, long size, ulong seed)
    {
        Digest digest = GeneratedContentStream.DigestOf(size, seed);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.Equal(size, await store.WriteBlobAsync(digest, new GeneratedContentStream(size, seed), size));
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static async Task<long> ReadAsync(AzureBlobRegionStore store, long size, ulong seed)
    {
        Digest digest = GeneratedContentStream.DigestOf(size, seed);
        byte[] buffer = new byte[1024 * 1024];
        using var hasher = new DigestHasher();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await using (Stream read = await store.OpenBlobAsync(digest))
        {
            int count;
            while ((count = await read.ReadAsync(buffer)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, count));
            }
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(digest, hasher.Finish());
        return allocated;
    }
}
