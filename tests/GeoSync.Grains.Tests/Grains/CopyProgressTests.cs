using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Persistence;
using GeoSync.Testing;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>A region copying an image publishes how far it is: bytes copied so far of the bytes it lacked.</summary>
public sealed class CopyProgressTests
{
    private const string Repository = "team/app";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NotifyAsync_BlobsCopying_StatusHoldsBytesDoneAndTheTotalUntilTheCopyEnds()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => o.Regions = ["eu", "us"]);
        TestImage image = TestImage.Single("progress", TestImage.Layer("progress-1", 64 * 1024), TestImage.Layer("progress-2", 16 * 1024));
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        TaskCompletionSource held = silo.Stores["eu"].HoldReads(image.Layers[1]);
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        // Every blob but the held layer is in us; the status read model (what geosync status reads) says so.
        long heldBytes = image.Blobs[image.Layers[1]].Length;
        await Eventually.HoldsAsync(
            async () => await PublishedAsync(silo) is { State: ReplicationState.Copying, Progress: { } p } && p.BytesToCopy == image.TotalBytes && p.BytesCopied == image.TotalBytes - heldBytes,
            Deadline,
            "us Copying, all but the held layer copied, the total published");

        held.SetResult();
        await Eventually.HoldsAsync(
            async () => await PublishedAsync(silo) is { State: ReplicationState.Synced, Progress: null, BytesCopied: var copied } && copied == image.TotalBytes,
            Deadline,
            "us Synced with every byte counted, no copy in flight");
    }

    private static async Task<RegionTagRecord?> PublishedAsync(GrainTestSilo silo) =>
        await silo.Database.RepositoryStatus.FindAsync(Repository) is { } row
            ? RepositoryStatusDocument.Read(row).Tags.GetValueOrDefault("v1")?.Regions.GetValueOrDefault("us")
            : null;
}
