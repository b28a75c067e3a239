using GeoSync.Grains.Regions;

namespace GeoSync.Grains.Tests.Regions;

public sealed class RegionThrottleTests
{
    private static RegionThrottle Throttle(int concurrency) =>
        new(new RegionDirectory([new RegionEndpoint("us", null!, 1, concurrency), new RegionEndpoint("ap", null!, 2, concurrency)], (_, _) => 1));

    [Fact]
    public async Task AcquireSync_AllSlotsTaken_WaitsUntilOneIsGivenBack()
    {
        RegionThrottle throttle = Throttle(2);
        IDisposable first = await throttle.AcquireSyncAsync("us");
        using IDisposable second = await throttle.AcquireSyncAsync("us");

        Task<IDisposable> third = throttle.AcquireSyncAsync("us");
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        first.Dispose();
        using IDisposable granted = await third.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AcquireSync_RegionFull_NeitherTransfersNorOtherRegionsWait()
    {
        // A sync holds its slot while its blobs transfer, so transfers must have slots of their own.
        RegionThrottle throttle = Throttle(1);
        using IDisposable sync = await throttle.AcquireSyncAsync("us");

        using IDisposable transfer = await throttle.AcquireAsync("us").WaitAsync(TimeSpan.FromSeconds(10));
        using IDisposable otherRegion = await throttle.AcquireSyncAsync("ap").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(throttle.AcquireSyncAsync("us").IsCompleted);
    }

    [Fact]
    public void TotalSlots_EveryRegionsTransferAndSyncSlots()
    {
        Assert.Equal(2 * (3 + 3), Throttle(3).TotalSlots);
        Assert.Equal(2 * (1 + 1), Throttle(0).TotalSlots); // a region has at least one slot of each kind
    }
}
