using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using static GeoSync.Grains.Tests.Repositories.TestStates;

namespace GeoSync.Grains.Tests.Repositories;

public sealed class ReportApplicationTests
{
    private static readonly TimeSpan GateRecheck = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromDays(1);
    private static readonly DateTimeOffset Now = T0.AddSeconds(30);

    private static RegionWorkResult Result(RegionWorkKind kind, string key, int? digest, ReplicationState outcome, long bytes = 0, string? detail = null) =>
        new(new RegionWork(kind, "us", "team/app", key, null, null, digest is int d ? D(d) : null, "00-trace-01"), outcome, bytes, detail, ["linux/amd64"]);

    private static RegionWorkResult Synced(int digest) => Result(RegionWorkKind.SyncTag, "v1", digest, ReplicationState.Synced, bytes: 100);

    private static TagAttempt Attempt(RepositoryState state, RegionWorkResult result) =>
        ReportApplication.Attempt(state, result, Now, GateRecheck, AbandonAfter) ?? throw new InvalidOperationException("the report was stale");

    [Fact]
    public void Attempt_ReplannedImageFoundPresent_KeepsWhenItWasFirstSynced()
    {
        // Synced at T0+1s for digest 1 and announced, then re-planned by a resync (Pending again, same digest).
        RegionTagRecord replanned = Region(ReplicationState.Pending, D(1)) with { SyncedAt = T0.AddSeconds(1), NotifiedDigest = D(1) };
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", replanned));

        Assert.Equal(T0.AddSeconds(1), Attempt(state, Synced(1)).After.SyncedAt);
    }

    [Fact]
    public void Attempt_TagMovedToAnotherDigest_SyncedAtIsTheNewSync()
    {
        RegionTagRecord moved = Region(ReplicationState.Pending, D(2)) with { SyncedAt = T0.AddSeconds(1), NotifiedDigest = D(1) };
        RepositoryState state = new RepositoryState().WithTag("v1", Push(2), ("us", moved));

        Assert.Equal(Now, Attempt(state, Synced(2)).After.SyncedAt);
    }

    [Fact]
    public void ReferrerReached_RegionWaitingForALaterLook_DueNowThereOnly()
    {
        // A gate checked before the signature was copied into us waits a minute; the signature's arrival in us ends that.
        RegionTagRecord waiting = Region(ReplicationState.Pending, D(1)) with { NextAttemptAt = Now + GateRecheck };
        RegionTagRecord failed = Region(ReplicationState.Failed, D(2)) with { NextAttemptAt = Now + GateRecheck };
        RepositoryState state = new RepositoryState()
            .WithTag("v1", Push(1), ("us", waiting), ("ap", waiting))
            .WithTag("v2", Push(2), ("us", failed));

        RepositoryState after = RegionOutcomes.ReferrerReached(state, "us", Now);

        Assert.Equal(Now, after.Tags["v1"].Regions["us"].NextAttemptAt);
        Assert.Equal(Now + GateRecheck, after.Tags["v1"].Regions["ap"].NextAttemptAt);
        Assert.Equal(Now + GateRecheck, after.Tags["v2"].Regions["us"].NextAttemptAt); // a failure keeps its backoff
    }

    [Fact]
    public void Attempt_TagMovedWhileTheWorkRan_Stale()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(2), ("us", Region(ReplicationState.Pending, D(2))));

        Assert.Null(ReportApplication.Attempt(state, Synced(1), Now, GateRecheck, AbandonAfter));
    }

    [Fact]
    public void Attempt_TagOrRegionGone_Stale()
    {
        RepositoryState other = new RepositoryState().WithTag("v2", Push(1), ("us", Region(ReplicationState.Copying, D(1))));
        RepositoryState otherRegion = new RepositoryState().WithTag("v1", Push(1), ("ap", Region(ReplicationState.Copying, D(1))));

        Assert.Null(ReportApplication.Attempt(other, Synced(1), Now, GateRecheck, AbandonAfter));
        Assert.Null(ReportApplication.Attempt(otherRegion, Synced(1), Now, GateRecheck, AbandonAfter));
    }

    [Theory]
    [InlineData(ReplicationState.Copying, 60.0)]   // nothing changed while it ran: checked again at the next recheck
    [InlineData(ReplicationState.Pending, 0.0)]    // planned again while it ran (a referrer arrived): due at once
    public void Attempt_WaitingReport_DueAgainAtOnceOnlyWhenPlannedAgainWhileTheWorkRan(ReplicationState whenReported, double dueInSeconds)
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(whenReported, D(1))));
        RegionWorkResult waiting = Result(RegionWorkKind.SyncTag, "v1", 1, ReplicationState.Pending, detail: "waiting for a referrer");

        RegionTagRecord after = Attempt(state, waiting).After;

        Assert.Equal((ReplicationState.Pending, Now.AddSeconds(dueInSeconds)), (after.State, after.NextAttemptAt));
    }

    [Fact]
    public void Attempt_SyncedReport_BeforeKeptAfterSyncedWithBytes()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1)) with { BytesCopied = 10 }));

        TagAttempt attempt = Attempt(state, Synced(1));

        Assert.Equal(Push(1), attempt.Desired);
        Assert.Same(state.Tags["v1"].Regions["us"], attempt.Before);
        Assert.Equal(ReplicationState.Synced, attempt.After.State);
        Assert.Equal(110, attempt.After.BytesCopied);
        Assert.Equal(Now, attempt.After.SyncedAt);
    }

    [Fact]
    public void Notice_FirstSync_AnnouncesTheDesiredImage()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1))));
        RegionWorkResult result = Synced(1);

        RegionImageNotice? notice = ReportApplication.Notice("team/app", result, Attempt(state, result), Now);

        Assert.Equal(new RegionImageNotice("us", "team/app", "v1", D(1), MediaTypes.OciManifest, result.Platforms, "eu", T0, Now, false, "00-trace-01"), notice);
    }

    [Fact]
    public void Notice_SyncedAgainForTheNotifiedDigest_NoSecondNotice()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1)) with { NotifiedDigest = D(1) }));

        Assert.Null(ReportApplication.Notice("team/app", Synced(1), Attempt(state, Synced(1)), Now));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Notice_SyncedReport_SaysWhetherTheTagHoldsAReferrer(bool referrer)
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1))));
        RegionWorkResult result = Synced(1) with { Referrer = referrer };

        Assert.Equal(referrer, ReportApplication.Notice("team/app", result, Attempt(state, result), Now)?.Referrer);
    }

    [Theory]
    [InlineData(ReplicationState.Pending)]
    [InlineData(ReplicationState.Failed)]
    public void Notice_UnsettledOutcome_NoNotice(ReplicationState outcome)
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1))));
        RegionWorkResult result = Result(RegionWorkKind.SyncTag, "v1", 1, outcome, detail: "waiting");

        Assert.Null(ReportApplication.Notice("team/app", result, Attempt(state, result), Now));
    }

    [Fact]
    public void Notice_TagDeleted_AnnouncesTheDigestLastNotifiedThenNotAgain()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", TagDelete(), ("us", Region(ReplicationState.Copying, null) with { NotifiedDigest = D(1) }));
        RegionWorkResult result = Result(RegionWorkKind.DeleteTag, "v1", null, ReplicationState.Deleted);
        TagAttempt attempt = Attempt(state, result);

        RegionImageNotice? notice = ReportApplication.Notice("team/app", result, attempt, Now);
        RegionTagRecord announced = ReportApplication.Announced(attempt.After, notice!);
        RepositoryState again = RegionOutcomes.WithRegion(state, "v1", "us", announced);

        Assert.Equal((D(1), true), (notice?.Digest, notice?.Deleted));
        Assert.Null(announced.NotifiedDigest);
        Assert.Null(ReportApplication.Notice("team/app", result, Attempt(again, result), Now));
    }

    [Fact]
    public void Announced_Synced_RemembersTheAnnouncedDigest()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1))));
        TagAttempt attempt = Attempt(state, Synced(1));

        RegionTagRecord announced = ReportApplication.Announced(attempt.After, ReportApplication.Notice("team/app", Synced(1), attempt, Now)!);

        Assert.Equal((ReplicationState.Synced, D(1)), (announced.State, announced.NotifiedDigest));
    }

    [Fact]
    public void NoticeFailed_SyncedButWebhooksNotQueued_FailedFromTheRecordBeforeWithARetry()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1)) with { Attempts = 2 }));
        TagAttempt attempt = Attempt(state, Synced(1));

        RegionTagRecord failed = ReportApplication.NoticeFailed(attempt, "outbox down", Now);

        Assert.Equal(ReplicationState.Failed, failed.State);
        Assert.Equal(3, failed.Attempts);
        Assert.Null(failed.SyncedAt);
        Assert.Null(failed.NotifiedDigest);
        Assert.Contains("outbox down", failed.LastError, StringComparison.Ordinal);
        Assert.True(failed.NextAttemptAt > Now);
    }

    [Fact]
    public void AfterDeletion_Deleted_RegionDeletedOthersUntouched()
    {
        RepositoryState state = new RepositoryState().WithDeletion(D(9), ("us", Region(ReplicationState.Pending, D(9))), ("ap", Region(ReplicationState.Pending, D(9))));

        RepositoryState after = ReportApplication.AfterDeletion(state, Result(RegionWorkKind.DeleteManifest, D(9).ToString(), 9, ReplicationState.Deleted), Now);

        Assert.Equal((ReplicationState.Deleted, Now), (after.Deletions[D(9).ToString()].Regions["us"].State, after.Deletions[D(9).ToString()].Regions["us"].SyncedAt));
        Assert.Equal(ReplicationState.Pending, after.Deletions[D(9).ToString()].Regions["ap"].State);
    }

    [Fact]
    public void AfterDeletion_Failed_RetryScheduled()
    {
        RepositoryState state = new RepositoryState().WithDeletion(D(9), ("us", Region(ReplicationState.Pending, D(9))));

        RegionTagRecord record = ReportApplication.AfterDeletion(state, Result(RegionWorkKind.DeleteManifest, D(9).ToString(), 9, ReplicationState.Failed, detail: "down"), Now)
            .Deletions[D(9).ToString()].Regions["us"];

        Assert.Equal((ReplicationState.Failed, 1, "down"), (record.State, record.Attempts, record.LastError));
        Assert.True(record.NextAttemptAt > Now);
    }

    [Fact]
    public void AfterDeletion_DeletionGone_StateUnchanged()
    {
        RepositoryState state = new RepositoryState().WithDeletion(D(9), ("ap", Region(ReplicationState.Pending, D(9))));

        Assert.Same(state, ReportApplication.AfterDeletion(state, Result(RegionWorkKind.DeleteManifest, D(8).ToString(), 8, ReplicationState.Deleted), Now));
        Assert.Same(state, ReportApplication.AfterDeletion(state, Result(RegionWorkKind.DeleteManifest, D(9).ToString(), 9, ReplicationState.Deleted), Now));
    }
}
