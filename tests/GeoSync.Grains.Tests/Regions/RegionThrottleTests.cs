using System.Reflection;
using GeoSync.Grains.Regions;
using GeoSync.Storage;

namespace GeoSync.Grains.Tests.Regions;

public sealed class RegionThrottleTests
{
    private static RegionThrottle Throttle(int concurrency, int storeSlots = 64) =>
        new(new RegionDirectory(
            [new RegionEndpoint("us", Store(new StoreCapacity(storeSlots, "us")), 1, concurrency), new RegionEndpoint("ap", Store(new StoreCapacity(storeSlots, "ap")), 2, concurrency)],
            (_, _) => 1));

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
        RegionThrottle throttle = Throttle(1);
        using IDisposable sync = await throttle.AcquireSyncAsync("us");

        using IDisposable transfer = await throttle.AcquireAsync("us").WaitAsync(TimeSpan.FromSeconds(10));
        using IDisposable otherRegion = await throttle.AcquireSyncAsync("ap").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(throttle.AcquireSyncAsync("us").IsCompleted);
    }

    [Fact]
    public async Task AcquireSync_StoreWorthFewerOperationsThanTheLimit_SyncsBoundByTheStoreTransfersByTheLimit()
    {
        // A local filesystem on 2 cores: 8 transfers at once, but only 2 syncs (more would only take CPU from the intake).
        RegionThrottle throttle = Throttle(concurrency: 8, storeSlots: 2);
        using IDisposable first = await throttle.AcquireSyncAsync("us");
        using IDisposable second = await throttle.AcquireSyncAsync("us");
        Assert.False(throttle.AcquireSyncAsync("us").IsCompleted);

        IDisposable[] transfers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => throttle.AcquireAsync("us"))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(throttle.AcquireAsync("us").IsCompleted);
        foreach (IDisposable transfer in transfers)
        {
            transfer.Dispose();
        }
    }

    [Fact]
    public void TotalSlots_EveryRegionsTransferAndSyncSlots()
    {
        Assert.Equal(2 * (3 + 3), Throttle(3).TotalSlots);
        Assert.Equal(2 * (8 + 2), Throttle(8, storeSlots: 2).TotalSlots);
        Assert.Equal(2 * (1 + 1), Throttle(0).TotalSlots); // a region has at least one slot of each kind
    }

    [Fact]
    public async Task AcquireSync_RegionsSharingACapacity_ShareItsSlots()
    {
        // Three local regions on a 2-core machine: 2 syncs at once in all, whichever regions they are for.
        var cores = new StoreCapacity(2, "cores");
        var throttle = new RegionThrottle(new RegionDirectory(
            [new RegionEndpoint("eu", Store(cores), 1, 8), new RegionEndpoint("us", Store(cores), 2, 8), new RegionEndpoint("ap", Store(cores), 3, 8)],
            (_, _) => 1));
        IDisposable eu = await throttle.AcquireSyncAsync("eu");
        using IDisposable us = await throttle.AcquireSyncAsync("us");

        Task<IDisposable> ap = throttle.AcquireSyncAsync("ap");
        await Task.Delay(50);
        Assert.False(ap.IsCompleted);
        Assert.Equal((3 * 8) + 2, throttle.TotalSlots);

        eu.Dispose();
        using IDisposable granted = await ap.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A store that only answers <see cref="IRegionStore.Capacity"/>: the throttle asks nothing else.</summary>
    private static IRegionStore Store(StoreCapacity capacity)
    {
        IRegionStore store = DispatchProxy.Create<IRegionStore, CapacityOnly>();
        ((CapacityOnly)(object)store).Capacity = capacity;
        return store;
    }

    public class CapacityOnly : DispatchProxy
    {
        public StoreCapacity? Capacity { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_" + nameof(IRegionStore.Capacity) ? Capacity : throw new NotSupportedException(targetMethod?.Name);
    }
}
