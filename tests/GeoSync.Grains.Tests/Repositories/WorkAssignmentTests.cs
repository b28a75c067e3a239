using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Grains.Tests.Fakes;
using static GeoSync.Grains.Tests.Repositories.TestStates;

namespace GeoSync.Grains.Tests.Repositories;

public sealed class WorkAssignmentTests
{
    private static readonly RepositoryName Repository = RepositoryName.Parse("team/app");
    private static readonly StaticReplicationPolicy Policy = new(["eu", "us", "ap"]);
    private static readonly HashSet<(string Region, string Key)> NothingInFlight = [];

    private static (RepositoryState State, RegionWork? Work) Next(RepositoryState state, string region, IReadOnlySet<(string, string)>? inFlight = null, DateTimeOffset? now = null) =>
        WorkAssignment.Next(state, Repository, region, now ?? T0, inFlight ?? NothingInFlight, Policy);

    [Fact]
    public void Next_PendingTag_HandedOutAndOnlyThatRegionCopying()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("eu", Region(ReplicationState.Synced, D(1), "")), ("us", Region(ReplicationState.Pending, D(1))));

        (RepositoryState after, RegionWork? work) = Next(state, "us");

        Assert.Equal(new RegionWork(RegionWorkKind.SyncTag, "us", "team/app", "v1", Push(1), new ReplicationTarget("us", "all", true, true, []), D(1)) { KnownDigests = [] }, work);
        Assert.Equal(ReplicationState.Copying, after.Tags["v1"].Regions["us"].State);
        Assert.Equal(ReplicationState.Synced, after.Tags["v1"].Regions["eu"].State);
        Assert.Equal(ReplicationState.Pending, state.Tags["v1"].Regions["us"].State);
    }

    [Fact]
    public void Next_SourceRegion_NothingToCopyButHeldByTheGatesOfItsTargets()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("eu", Region(ReplicationState.Pending, D(1), "")));
        var gated = new StaticReplicationPolicy(["eu", "us", "ap"], gate: "application/vnd.dev.cosign.artifact.sig.v1+json");

        ReplicationTarget? target = WorkAssignment.Next(state, Repository, "eu", T0, NothingInFlight, gated).Work?.Target;
        ReplicationTarget? ungated = Next(state, "eu").Work?.Target;

        Assert.Equal(("eu", "", false, false), (target?.Region, target?.Rule, target?.Deletes, target?.Referrers));
        Assert.Equal(["application/vnd.dev.cosign.artifact.sig.v1+json"], target?.RequiredReferrerArtifactTypes);
        Assert.Empty(ungated?.RequiredReferrerArtifactTypes ?? ["no target"]);
    }

    [Fact]
    public void Next_TagInATarget_KnownDigestsGuardItsTagOnlyWhereItsOwnPushesReplicate()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(2), ("us", Region(ReplicationState.Pending, D(2))));
        state = state with { Tags = state.Tags.SetItem("v1", state.Tags["v1"] with { KnownDigests = [D(1), D(2)] }) };

        RegionWork? multiMaster = Next(state, "us").Work;
        RegionWork? targetOnly = WorkAssignment.Next(state, Repository, "us", T0, NothingInFlight, new FromEuOnly()).Work;

        Assert.Equal([D(1), D(2)], multiMaster?.KnownDigests);
        Assert.NotNull(targetOnly);
        Assert.Null(targetOnly.KnownDigests);
    }

    [Fact]
    public void Next_DeletedTag_DeleteTagWorkWithTheDecisionsTraceContext()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", TagDelete(), ("us", Region(ReplicationState.Pending, null)));
        state = state with { Tags = state.Tags.SetItem("v1", state.Tags["v1"] with { TraceParent = "00-trace-01" }) };

        RegionWork? work = Next(state, "us").Work;

        Assert.Equal(RegionWorkKind.DeleteTag, work?.Kind);
        Assert.Equal("00-trace-01", work?.TraceParent);
    }

    [Fact]
    public void Next_TagInFlight_NextDueTagInstead()
    {
        RepositoryState state = new RepositoryState()
            .WithTag("v1", Push(1), ("us", Region(ReplicationState.Pending, D(1))))
            .WithTag("v2", Push(2), ("us", Region(ReplicationState.Pending, D(2))));

        RegionWork? work = Next(state, "us", new HashSet<(string, string)> { ("us", "v1") }).Work;

        Assert.Equal("v2", work?.Key);
    }

    [Fact]
    public void Next_SameTagInFlightInAnotherRegion_StillHandedOut()
    {
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", Region(ReplicationState.Pending, D(1))), ("ap", Region(ReplicationState.Pending, D(1))));

        RegionWork? work = Next(state, "us", new HashSet<(string, string)> { ("ap", "v1") }).Work;

        Assert.Equal("v1", work?.Key);
    }

    [Theory]
    [InlineData(ReplicationState.Synced, null, false)]
    [InlineData(ReplicationState.Copying, null, false)]
    [InlineData(ReplicationState.Failed, 10.0, false)]
    [InlineData(ReplicationState.Failed, 0.0, true)]
    [InlineData(ReplicationState.Pending, null, true)]
    public void Next_RegionState_HandedOutOnlyWhenDue(ReplicationState regionState, double? retryInSeconds, bool handedOut)
    {
        RegionTagRecord record = Region(regionState, D(1)) with { NextAttemptAt = retryInSeconds is double s ? T0.AddSeconds(s) : null };
        RepositoryState state = new RepositoryState().WithTag("v1", Push(1), ("us", record));

        (RepositoryState after, RegionWork? work) = Next(state, "us");

        Assert.Equal(handedOut, work is not null);
        Assert.Equal(handedOut, !ReferenceEquals(state, after));
    }

    [Fact]
    public void Next_TagAndManifestDeletionDue_TagFirstThenDeletionWithoutCopying()
    {
        RepositoryState state = new RepositoryState()
            .WithDeletion(D(9), ("us", Region(ReplicationState.Pending, D(9))))
            .WithTag("v1", Push(1), ("us", Region(ReplicationState.Pending, D(1))));

        (RepositoryState afterTag, RegionWork? first) = Next(state, "us");
        (RepositoryState afterDeletion, RegionWork? second) = Next(afterTag, "us", new HashSet<(string, string)> { ("us", "v1") });

        Assert.Equal(RegionWorkKind.SyncTag, first?.Kind);
        Assert.Equal(new RegionWork(RegionWorkKind.DeleteManifest, "us", "team/app", D(9).ToString(), null, null, D(9)), second);
        Assert.Same(afterTag, afterDeletion);
    }

    [Fact]
    public void Next_DeletionInFlight_NoWork()
    {
        RepositoryState state = new RepositoryState().WithDeletion(D(9), ("us", Region(ReplicationState.Pending, D(9))));

        (RepositoryState after, RegionWork? work) = Next(state, "us", new HashSet<(string, string)> { ("us", D(9).ToString()) });

        Assert.Null(work);
        Assert.Same(state, after);
    }

    [Fact]
    public void Released_CopyingRegionOfAnEndedWorker_PendingAgainOthersUntouched()
    {
        RepositoryState state = new RepositoryState()
            .WithTag("v1", Push(1), ("us", Region(ReplicationState.Copying, D(1))), ("ap", Region(ReplicationState.Copying, D(1))))
            .WithTag("v2", Push(2), ("us", Region(ReplicationState.Synced, D(2))));

        RepositoryState after = WorkAssignment.Released(state, [("us", "v1"), ("us", "v2"), ("us", D(9).ToString())]);

        Assert.Equal(ReplicationState.Pending, after.Tags["v1"].Regions["us"].State);
        Assert.Equal(ReplicationState.Copying, after.Tags["v1"].Regions["ap"].State);
        Assert.Equal(ReplicationState.Synced, after.Tags["v2"].Regions["us"].State);
        Assert.Equal(D(1), Next(after, "us").Work?.Digest);
    }

    /// <summary>One rule, eu to us: pushes in us replicate nowhere.</summary>
    private sealed class FromEuOnly : IReplicationPolicy
    {
        public IReadOnlyList<string> SourceRegions => ["eu"];

        public TimeSpan ReconcileInterval => TimeSpan.FromMinutes(10);

        public IReadOnlyList<ReplicationTarget> TargetsFor(string sourceRegion, RepositoryName repository, string? tag) =>
            sourceRegion == "eu" ? [new ReplicationTarget("us", "eu-to-us", true, true, [])] : [];
    }
}
