using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using static GeoSync.Grains.Tests.Repositories.TestStates;

namespace GeoSync.Grains.Tests.Repositories;

public sealed class ResyncChangesTests
{
    private static readonly RepositoryState Before = new RepositoryState()
        .WithTag("v1", Push(1), ("us", Region(ReplicationState.Synced, D(1))))
        .WithTag("v2", Push(2), ("us", Region(ReplicationState.Synced, D(2))));

    [Fact]
    public void Count_NothingTouched_Zero() => Assert.Equal(0, ResyncChanges.Count(Before, Before with { LastSequence = 7 }));

    [Fact]
    public void Count_TagPlannedAgainAndTagFound_BothCounted()
    {
        RepositoryState after = RegionOutcomes.WithRegion(Before, "v1", "us", Region(ReplicationState.Pending, D(1)))
            .WithTag("v3", Push(3), ("us", Region(ReplicationState.Pending, D(3))));

        Assert.Equal(2, ResyncChanges.Count(Before, after));
    }

    [Fact]
    public void Count_TagDecidedAgainOnTheSameDigest_Counted()
    {
        RepositoryState after = Before.WithTag("v2", Push(2) with { EventId = "reconcile" }, ("us", Region(ReplicationState.Synced, D(2))));

        Assert.Equal(1, ResyncChanges.Count(Before, after));
    }
}
