using GeoSync.Storage;
using GeoSync.Host.Tests.Support;
using GeoSync.Storage.FileSystem;

namespace GeoSync.Host.Tests.Replication;

public sealed class EngineStartTests
{
    [Fact]
    public async Task Start_UploadsAbandonedByACrashedProcess_AreDeletedAndLiveOnesKept()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        var store = Assert.IsType<FileSystemRegionStore>(harness.Store("us").Inner);
        Directory.CreateDirectory(store.UploadsPath);
        string abandoned = Path.Combine(store.UploadsPath, "abandoned-by-a-crash");
        await File.WriteAllBytesAsync(abandoned, new byte[4096]);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow - RegionStoreFactory.AbandonedUploadAge - TimeSpan.FromMinutes(1));
        string live = Path.Combine(store.UploadsPath, "being-written");
        await File.WriteAllBytesAsync(live, new byte[16]);

        await harness.RestartAsync();

        Assert.False(File.Exists(abandoned), "an upload untouched for longer than the age is deleted at start");
        Assert.True(File.Exists(live), "an upload touched recently may belong to a live writer and is kept");
    }
}
