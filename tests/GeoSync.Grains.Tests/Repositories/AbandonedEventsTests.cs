using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using static GeoSync.Grains.Tests.Repositories.TestStates;

namespace GeoSync.Grains.Tests.Repositories;

/// <summary>
/// Content missing at its source: retried like any failure until it has been missing for the abandon bound, then
/// Abandoned (no next attempt, no work left), until an operator retries or drops it.
/// </summary>
public sealed class AbandonedEventsTests
{
    private static readonly TimeSpan GateRecheck = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromHours(1);

    private static RegionWorkResult Missing(int digest, string region = "us") =>
        new(new RegionWork(RegionWorkKind.SyncTag, region, "team/app", "v1", Push(digest), null, D(digest)), ReplicationState.Failed, 0, "region 'eu': read blob failed (NotFound)", [])
        {
            SourceMissing = true,
        };

    private static RegionWorkResult Unavailable(int digest) =>
        new(new RegionWork(RegionWorkKind.SyncTag, "us", "team/app", "v1", Push(digest), null, D(digest)), ReplicationState.Failed, 0, "region 'us' is unreachable", []);

    private static RegionTagRecord After(RegionTagRecord record, RegionWorkResult result, DateTimeOffset now) =>
        RegionOutcomes.AfterAttempt(record, result, now, GateRecheck, AbandonAfter);

    [Fact]
    public void AfterAttempt_MissingWithinTheBound_FailedWithARetryAndRemembersSince()
    {
        RegionTagRecord first = After(Region(ReplicationState.Copying, D(1)), Missing(1), T0);
        RegionTagRecord second = After(first with { State = ReplicationState.Copying }, Missing(1), T0 + AbandonAfter - TimeSpan.FromSeconds(1));

        Assert.Equal((ReplicationState.Failed, T0), (first.State, first.MissingSince));
        Assert.Equal((ReplicationState.Failed, T0, 2), (second.State, second.MissingSince, second.Attempts));
        Assert.NotNull(second.NextAttemptAt);
        Assert.True(second.HasWork);
    }

    [Fact]
    public void AfterAttempt_MissingPastTheBound_AbandonedWithNoNextAttemptAndNoWorkLeft()
    {
        RegionTagRecord missing = Region(ReplicationState.Copying, D(1)) with { MissingSince = T0, Attempts = 7 };

        RegionTagRecord abandoned = After(missing, Missing(1), T0 + AbandonAfter);

        Assert.Equal(ReplicationState.Abandoned, abandoned.State);
        Assert.Null(abandoned.NextAttemptAt);
        Assert.False(abandoned.HasWork);
        Assert.False(abandoned.IsSettled);
        Assert.Contains("geosync events", abandoned.LastError, StringComparison.Ordinal);
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", abandoned), ("eu", Region(ReplicationState.Synced, D(1))));
        Assert.False(state.HasUnfinishedWork);
        Assert.Empty(RegionOutcomes.RegionsWithWork(state, T0 + TimeSpan.FromDays(30)));
        Assert.Null(RegionOutcomes.NextRetryAt(state));
    }

    [Fact]
    public void AfterAttempt_AnyOtherFailureOrSuccess_StartsTheMissingTimeAfresh()
    {
        RegionTagRecord missing = Region(ReplicationState.Copying, D(1)) with { MissingSince = T0 };

        RegionTagRecord failed = After(missing, Unavailable(1), T0 + TimeSpan.FromDays(2));
        RegionTagRecord missingAgain = After(failed with { State = ReplicationState.Copying }, Missing(1), T0 + TimeSpan.FromDays(2));

        Assert.Equal((ReplicationState.Failed, (DateTimeOffset?)null), (failed.State, failed.MissingSince));
        Assert.Equal((ReplicationState.Failed, T0 + TimeSpan.FromDays(2)), (missingAgain.State, missingAgain.MissingSince));
    }

    [Fact]
    public void Retry_AbandonedOfTheEvent_PendingDueNowCountedAfresh_OthersUntouched()
    {
        RegionTagRecord abandoned = Region(ReplicationState.Abandoned, D(1)) with { MissingSince = T0, Attempts = 9, LastError = "given up" };
        RegionTagRecord failed = Region(ReplicationState.Failed, D(2)) with { Attempts = 3, NextAttemptAt = T0 };
        RepositoryState state = new RepositoryState()
            .WithTag("v1", Push(1), ("eu", abandoned), ("us", abandoned))
            .WithTag("v2", Push(2), ("us", failed));

        (RepositoryState after, int count) = AbandonedEvents.Retry(state, new AbandonedSelection(EventId: "push-1", Region: "us"));

        Assert.Equal(1, count);
        RegionTagRecord retried = after.Tags["v1"].Regions["us"];
        Assert.Equal((ReplicationState.Pending, 0, (DateTimeOffset?)null, (DateTimeOffset?)null), (retried.State, retried.Attempts, retried.NextAttemptAt, retried.MissingSince));
        Assert.Same(abandoned, after.Tags["v1"].Regions["eu"]);
        Assert.Same(failed, after.Tags["v2"].Regions["us"]);
        Assert.Equal(["us"], RegionOutcomes.RegionsWithWork(after, T0));
    }

    [Fact]
    public void Drop_EveryRegionOfATag_ForgetsTheTag_NothingElseChanges()
    {
        RegionTagRecord abandoned = Region(ReplicationState.Abandoned, D(1)) with { MissingSince = T0 };
        RegionTagRecord synced = Region(ReplicationState.Synced, D(2));
        RepositoryState state = new RepositoryState()
            .WithTag("ghost", Push(1), ("eu", abandoned), ("us", abandoned))
            .WithTag("v2", Push(2), ("eu", synced), ("us", synced))
            .WithDeletion(D(3), ("us", Region(ReplicationState.Deleted, D(3))));

        (RepositoryState after, int count) = AbandonedEvents.Drop(state, new AbandonedSelection());

        Assert.Equal(2, count);
        Assert.False(after.Tags.ContainsKey("ghost"));
        Assert.Same(state.Tags["v2"], after.Tags["v2"]);
        Assert.Same(state.Deletions, after.Deletions);
        Assert.False(after.HasUnfinishedWork);
    }

    [Fact]
    public void Drop_OneRegion_KeepsTheTagsOtherRegions()
    {
        RegionTagRecord abandoned = Region(ReplicationState.Abandoned, D(1));
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("eu", abandoned), ("us", abandoned));

        (RepositoryState after, int count) = AbandonedEvents.Drop(state, new AbandonedSelection(Tag: "v1", Region: "eu"));

        Assert.Equal(1, count);
        Assert.Equal(["us"], after.Tags["v1"].Regions.Keys);
    }

    [Fact]
    public void RetryAndDrop_NothingAbandonedSelected_StateUnchanged()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Failed, D(1))));

        Assert.Equal((state, 0), AbandonedEvents.Retry(state, new AbandonedSelection()));
        Assert.Equal((state, 0), AbandonedEvents.Drop(state, new AbandonedSelection(EventId: "push-1")));
        Assert.Equal(0, AbandonedEvents.Drop(state.WithTag("v2", Push(2), ("us", Region(ReplicationState.Abandoned, D(2)))), new AbandonedSelection(EventId: "push-1")).Count);
    }
}
