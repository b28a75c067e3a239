using System.Diagnostics;
using GeoSync.Domain.Content;
using GeoSync.Grains.Blobs;
using GeoSync.Persistence;
using GeoSync.Storage;
using GeoSync.Testing;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>
/// <see cref="BlobReplicatorGrain"/> on a real silo: one transfer per (region, digest) however many ask, a long copy
/// reported rather than held in one call, a failure surfaced and tried again. The blob crosses from <c>eu</c> into
/// <c>us</c>, both real filesystem stores.
/// </summary>
public sealed class BlobReplicatorGrainTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EnsureAsync_EightConcurrentCallers_OneCallerGetsTheBytesAndTheBlobIsWrittenOnce()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync();
        (Digest digest, byte[] blob) = await SourceBlobAsync(silo, "concurrent", 256 * 1024);
        TaskCompletionSource release = silo.Stores["eu"].HoldReads();
        IBlobReplicatorGrain grain = silo.Client.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For("us", digest));
        var request = new BlobTransferRequest(digest, blob.Length, "team/app", ["eu"]);

        Task<BlobTransferResult>[] calls = [.. Enumerable.Range(0, 8).Select(_ => grain.EnsureAsync(request))];
        // All eight are in the (reentrant) grain together while the transfer waits on the source's bytes.
        await Eventually.HoldsAsync(() => silo.IncomingCalls(nameof(IBlobReplicatorGrain.EnsureAsync)) == 8, Deadline, "the eight calls reached the grain");
        await silo.Stores["eu"].ReadReached.Task.WaitAsync(Deadline);
        release.SetResult();
        BlobTransferResult[] results = await Task.WhenAll(calls).WaitAsync(Deadline);

        Assert.Equal(blob.Length, await silo.Stores["us"].Inner.StatBlobAsync(digest));
        Assert.Equal(blob.Length, results.Sum(r => r.BytesWritten));
        BlobTransferResult copied = Assert.Single(results, r => r.BytesWritten > 0);
        Assert.Equal((BlobTransferMode.Streamed, "eu"), (copied.Mode, copied.SourceRegion));
        Assert.Equal(7, results.Count(r => r is { Mode: BlobTransferMode.AlreadyPresent, BytesWritten: 0 }));
        Assert.Equal(1, silo.Stores["us"].BlobWrites(digest));
    }

    [Fact]
    public async Task EnsureAsync_TwoBlobsOfOneBucketConcurrently_EachCrossesOnceThroughTheSameGrain()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync();
        // Two blobs whose digests share the bucket (the first two hex digits): one grain carries both.
        var seen = new Dictionary<string, (Digest Digest, byte[] Bytes)>();
        (Digest Digest, byte[] Bytes) first, second;
        for (int i = 0; ; i++)
        {
            byte[] candidate = TestImage.Layer($"bucket-{i}", 32 * 1024);
            Digest digest = Digest.Compute(candidate);
            string key = BlobReplicatorKey.For("us", digest);
            if (seen.TryGetValue(key, out var earlier))
            {
                (first, second) = (earlier, (digest, candidate));
                break;
            }

            seen[key] = (digest, candidate);
        }

        foreach ((Digest digest, byte[] bytes) in new[] { first, second })
        {
            await silo.Stores["eu"].Inner.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length);
        }

        TaskCompletionSource release = silo.Stores["eu"].HoldReads();
        IBlobReplicatorGrain grain = silo.Client.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For("us", first.Digest));
        Task<BlobTransferResult>[] calls = [.. new[] { first, first, second, second }.Select(b => grain.EnsureAsync(new BlobTransferRequest(b.Digest, b.Bytes.Length, "team/app", ["eu"])))];
        await Eventually.HoldsAsync(() => silo.IncomingCalls(nameof(IBlobReplicatorGrain.EnsureAsync)) == 4, Deadline, "the four calls reached the grain");
        release.SetResult();
        BlobTransferResult[] results = await Task.WhenAll(calls).WaitAsync(Deadline);

        foreach ((Digest digest, byte[] bytes) in new[] { first, second })
        {
            Assert.Equal(bytes.Length, await silo.Stores["us"].Inner.StatBlobAsync(digest));
            Assert.Equal(1, silo.Stores["us"].BlobWrites(digest));
            Assert.Equal(bytes.Length, Assert.Single(results, r => r.Digest == digest && r.BytesWritten > 0).BytesWritten);
        }
    }

    [Fact]
    public async Task EnsureAsync_TransferOutlastsReportAfter_AnswersInProgressUntilDoneThenTheResult()
    {
        TimeSpan callTimeout = TimeSpan.FromSeconds(1);
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o =>
        {
            o.ReportAfter = TimeSpan.FromMilliseconds(200);
            o.ResponseTimeout = callTimeout;
        });
        (Digest digest, byte[] blob) = await SourceBlobAsync(silo, "slow", 128 * 1024);
        TaskCompletionSource release = silo.Stores["eu"].HoldReads();
        IBlobReplicatorGrain grain = silo.Client.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For("us", digest));
        var request = new BlobTransferRequest(digest, blob.Length, "team/app", ["eu"]);

        var held = Stopwatch.StartNew();
        BlobTransferResult first = await grain.EnsureAsync(request);
        Assert.Equal((BlobTransferMode.InProgress, 0L), (first.Mode, first.BytesWritten));
        // Held longer than one call may last: each call still answers, InProgress, instead of timing out.
        int asked = 1;
        while (held.Elapsed < callTimeout * 1.5)
        {
            Assert.Equal(BlobTransferMode.InProgress, (await grain.EnsureAsync(request)).Mode);
            asked++;
        }

        Assert.InRange(asked, 3, int.MaxValue);
        Assert.Equal(0, silo.Stores["us"].BlobWrites(digest));
        release.SetResult();
        BlobTransferResult result = first;
        var deadline = Stopwatch.StartNew();
        while (result.Mode == BlobTransferMode.InProgress && deadline.Elapsed < Deadline)
        {
            result = await grain.EnsureAsync(request);
        }

        Assert.Equal((BlobTransferMode.Streamed, (long)blob.Length, "eu"), (result.Mode, result.BytesWritten, result.SourceRegion));
        Assert.Equal(blob.Length, await silo.Stores["us"].Inner.StatBlobAsync(digest));
        Assert.Equal(1, silo.Stores["us"].BlobWrites(digest));
    }

    [Fact]
    public async Task EnsureAsync_TransferFails_CallerGetsTheStoreFailureAndTheNextCallTriesAgain()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.TransferRetries = 1);
        (Digest digest, byte[] blob) = await SourceBlobAsync(silo, "failing", 64 * 1024);
        TestRegionStore target = silo.Stores["us"];
        target.RefuseWrites = true;
        // Asked from inside the silo, as a region worker asks it.
        IBlobReplicatorGrain grain = silo.SiloGrains.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For("us", digest));
        var request = new BlobTransferRequest(digest, blob.Length, "team/app", ["eu"]);

        RegionStoreException failure = await Assert.ThrowsAsync<RegionStoreException>(() => Task.Run(() => grain.EnsureAsync(request)));
        Assert.Equal(("us", RegionStoreFailure.Unavailable), (failure.Region, failure.Failure));
        Assert.Equal(2, target.RefusedWrites);
        TransferCheckpoint? failed = await silo.Database.TransferCheckpoints.GetAsync("us", digest.ToString());
        Assert.Equal(("Failed", 2), (failed?.State, failed?.Attempts));

        // Not a remembered failure: the next call runs a new transfer.
        await Assert.ThrowsAsync<RegionStoreException>(() => Task.Run(() => grain.EnsureAsync(request)));
        Assert.Equal(4, target.RefusedWrites);

        target.RefuseWrites = false;
        BlobTransferResult result = await Task.Run(() => grain.EnsureAsync(request));

        Assert.Equal((BlobTransferMode.Streamed, (long)blob.Length), (result.Mode, result.BytesWritten));
        Assert.Equal(blob.Length, await target.Inner.StatBlobAsync(digest));
        Assert.Equal(1, target.BlobWrites(digest));
        Assert.Null(await silo.Database.TransferCheckpoints.GetAsync("us", digest.ToString()));
    }

    [Fact]
    public async Task EnsureAsync_TransferFailsAskedFromAnotherProcess_CallerGetsTheStoreFailure()
    {
        // A cluster node asking a replicator activated on another node receives the failure serialized, as this client does.
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync();
        (Digest digest, byte[] blob) = await SourceBlobAsync(silo, "failing-remote", 16 * 1024);
        silo.Stores["us"].RefuseWrites = true;
        IBlobReplicatorGrain grain = silo.Client.GetGrain<IBlobReplicatorGrain>(BlobReplicatorKey.For("us", digest));

        RegionStoreException failure = await Assert.ThrowsAsync<RegionStoreException>(() => grain.EnsureAsync(new BlobTransferRequest(digest, blob.Length, "team/app", ["eu"])));

        // Orleans' exception serializer carries the type and message (which names the region and the reason); the
        // region worker reports the message as the region's last error.
        Assert.Contains("us", failure.Message, StringComparison.Ordinal);
        Assert.Contains("writes are refused", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<(Digest Digest, byte[] Bytes)> SourceBlobAsync(GrainTestSilo silo, string seed, int size)
    {
        byte[] blob = TestImage.Layer(seed, size);
        Digest digest = Digest.Compute(blob);
        await silo.Stores["eu"].Inner.WriteBlobAsync(digest, new MemoryStream(blob), blob.Length);
        return (digest, blob);
    }
}
