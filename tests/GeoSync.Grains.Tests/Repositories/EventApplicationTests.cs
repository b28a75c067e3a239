using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Grains.Tests.Fakes;

namespace GeoSync.Grains.Tests.Repositories;

public sealed class EventApplicationTests
{
    private static readonly string[] Regions = ["eu", "us", "ap"];
    private static readonly Dictionary<string, int> Priority = new() { ["eu"] = 1, ["us"] = 2, ["ap"] = 3 };
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static Digest D(int n) => Digest.Compute(BitConverter.GetBytes(n));

    /// <summary>A registry event as the intake stores it (parsed from a real envelope).</summary>
    public sealed record E(string Region, string Action, int? Digest, string? Tag, double Seconds, string? Id = null, string UserAgent = "skopeo/1.9.3")
    {
        public RegistryEvent Parse()
        {
            string digest = Digest is int d ? $"\"digest\": \"{D(d)}\"," : string.Empty;
            string tag = Tag is null ? string.Empty : $"\"tag\": \"{Tag}\",";
            string mediaType = Action == "push" ? $"\"mediaType\": \"{MediaTypes.OciManifest}\", \"size\": 500," : string.Empty;
            string json = $$"""
                {"events": [{
                  "id": "{{Id ?? Guid.NewGuid().ToString()}}",
                  "timestamp": "{{T0.AddSeconds(Seconds):O}}",
                  "action": "{{Action}}",
                  "target": { {{mediaType}} {{digest}} {{tag}} "repository": "team/app" },
                  "request": { "method": "PUT", "useragent": "{{UserAgent}}" }
                }]}
                """;
            return NotificationEnvelope.Parse(System.Text.Encoding.UTF8.GetBytes(json))[0];
        }
    }

    private static RepositoryState ApplyAll(IEnumerable<E> events, RepositoryState? state = null, StaticReplicationPolicy? policy = null)
    {
        state ??= new RepositoryState();
        policy ??= new StaticReplicationPolicy(Regions);
        foreach (E e in events)
        {
            state = EventApplication.Apply(state, e.Parse(), e.Region, Priority[e.Region], T0, policy);
        }

        return state;
    }

    public static TheoryData<string, E[], int?> Decisions => new()
    {
        { "single push", [new("eu", "push", 1, "v1", 0)], 1 },
        { "tag moved three times, in order", [new("eu", "push", 1, "v1", 0), new("eu", "push", 2, "v1", 0.1), new("eu", "push", 3, "v1", 0.2)], 3 },
        { "tag moved three times, arrival shuffled", [new("eu", "push", 3, "v1", 0.2), new("eu", "push", 1, "v1", 0), new("eu", "push", 2, "v1", 0.1)], 3 },
        { "two regions, later push wins", [new("eu", "push", 1, "v1", 5), new("us", "push", 2, "v1", 4)], 1 },
        { "two regions, later push wins (other arrival order)", [new("us", "push", 2, "v1", 4), new("eu", "push", 1, "v1", 5)], 1 },
        { "same timestamp, higher priority region wins", [new("us", "push", 2, "v1", 1), new("eu", "push", 1, "v1", 1)], 1 },
        { "same timestamp, higher priority region wins (other order)", [new("eu", "push", 1, "v1", 1), new("us", "push", 2, "v1", 1)], 1 },
        { "delete after push", [new("eu", "push", 1, "v1", 0), new("eu", "delete", null, "v1", 1)], null },
        { "delete older than push is ignored", [new("eu", "push", 1, "v1", 2), new("eu", "delete", null, "v1", 1)], 1 },
        { "push after delete", [new("eu", "delete", null, "v1", 1), new("eu", "push", 2, "v1", 2)], 2 },
        { "manifest delete by digest removes tags on it", [new("eu", "push", 1, "v1", 0), new("eu", "delete", 1, null, 1)], null },
        { "pulls and blob pushes change nothing", [new("eu", "push", 1, "v1", 0), new("us", "pull", 2, "v1", 5)], 1 },
        { "echo of GeoSync's write changes nothing", [new("eu", "push", 1, "v1", 0), new("us", "push", 1, "v1", 5, UserAgent: "geosync")], 1 },
        { "late echo of an older digest does not move the tag back", [new("eu", "push", 1, "v1", 0), new("eu", "push", 2, "v1", 1), new("us", "push", 1, "v1", 5, UserAgent: "geosync")], 2 },
        { "echo of GeoSync's delete changes nothing", [new("eu", "push", 1, "v1", 0), new("us", "delete", 1, null, 5, UserAgent: "geosync")], 1 },
        { "a real push in the region GeoSync writes to still counts", [new("eu", "push", 1, "v1", 0), new("us", "push", 1, "v1", 5, UserAgent: "geosync"), new("us", "push", 3, "v1", 6)], 3 },
    };

    [Fact]
    public void Apply_EchoOfTheCurrentDecision_KeepsItsSourceAndStartsNoRound()
    {
        RepositoryState pushed = ApplyAll([new("eu", "push", 1, "v1", 0)]);
        RepositoryState synced = pushed with
        {
            Tags = pushed.Tags.SetItem("v1", pushed.Tags["v1"] with
            {
                Regions = pushed.Tags["v1"].Regions.ToImmutableSortedDictionary(r => r.Key, r => r.Value with { State = ReplicationState.Synced }, StringComparer.Ordinal),
            }),
        };

        RepositoryState after = ApplyAll([new("us", "push", 1, "v1", 5, UserAgent: "geosync")], synced);

        Assert.Same(synced, after);
    }

    [Fact]
    public void Apply_LateEchoOfAnOlderDigest_RechecksOnlyThatRegion()
    {
        RepositoryState moved = ApplyAll([new("eu", "push", 1, "v1", 0), new("eu", "push", 2, "v1", 1)]);
        RepositoryState synced = moved with
        {
            Tags = moved.Tags.SetItem("v1", moved.Tags["v1"] with
            {
                Regions = moved.Tags["v1"].Regions.ToImmutableSortedDictionary(r => r.Key, r => r.Value with { State = ReplicationState.Synced }, StringComparer.Ordinal),
            }),
        };

        RepositoryState after = ApplyAll([new("us", "push", 1, "v1", 5, UserAgent: "geosync/1")], synced);

        Assert.Equal("eu", after.Tags["v1"].Desired.SourceRegion);
        Assert.Equal(ReplicationState.Pending, after.Tags["v1"].Regions["us"].State);
        Assert.All(after.Tags["v1"].Regions.Where(r => r.Key != "us"), r => Assert.Equal(ReplicationState.Synced, r.Value.State));
    }

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Apply_EventSequence_DecidesTagByTimestampThenPriority(string name, E[] events, int? expectedDigest)
    {
        RepositoryState state = ApplyAll(events);
        TagRecord record = state.Tags["v1"];
        Assert.True(expectedDigest is null ? record.Desired.IsDeleted : record.Desired.Digest == D(expectedDigest.Value), name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_PushesOfOneTag_EveryAppliedPushesDigestKnownWhetherItWonOrLost(bool laterArrivesFirst)
    {
        E early = new("eu", "push", 1, "v1", 4);
        E later = new("us", "push", 2, "v1", 5);

        RepositoryState state = ApplyAll(laterArrivesFirst ? [later, early] : [early, later]);

        Assert.Equal(D(2), state.Tags["v1"].Desired.Digest);
        Assert.Equal(laterArrivesFirst ? [D(2), D(1)] : [D(1), D(2)], state.Tags["v1"].KnownDigests);
    }

    [Fact]
    public void Apply_Push_EveryRegionPendingIncludingSource()
    {
        RepositoryState state = ApplyAll([new("eu", "push", 1, "v1", 0)]);
        Assert.Equal(Regions.Order(), state.Tags["v1"].Regions.Keys);
        Assert.All(state.Tags["v1"].Regions.Values, r => Assert.Equal(ReplicationState.Pending, r.State));
        Assert.Equal(string.Empty, state.Tags["v1"].Regions["eu"].Rule);
        Assert.Equal("all", state.Tags["v1"].Regions["us"].Rule);
    }

    [Fact]
    public void Apply_RestatedPush_KeepsSyncedRegions()
    {
        RepositoryState state = ApplyAll([new("eu", "push", 1, "v1", 0)]);
        state = MarkAllSynced(state);
        // The same digest pushed again (a re-push, or the notification of a copy) restates the decision: nothing to do.
        state = ApplyAll([new("us", "push", 1, "v1", 3)], state);
        Assert.Equal(ReplicationState.Synced, state.Tags["v1"].Regions["eu"].State);
        Assert.Equal(ReplicationState.Synced, state.Tags["v1"].Regions["ap"].State);
        Assert.Equal(ReplicationState.Pending, state.Tags["v1"].Regions["us"].State);
    }

    [Fact]
    public void Apply_StaleEventFromRegion_RechecksOnlyThatRegion()
    {
        RepositoryState state = MarkAllSynced(ApplyAll([new("eu", "push", 2, "v1", 10)]));
        state = ApplyAll([new("us", "push", 1, "v1", 5)], state);
        Assert.Equal(D(2), state.Tags["v1"].Desired.Digest);
        Assert.Equal(ReplicationState.Pending, state.Tags["v1"].Regions["us"].State);
        Assert.Equal(ReplicationState.Synced, state.Tags["v1"].Regions["eu"].State);
        Assert.Equal(ReplicationState.Synced, state.Tags["v1"].Regions["ap"].State);
    }

    [Fact]
    public void Apply_TagDeleteWithoutDeleteRule_OnlySourceRegionTracked()
    {
        var policy = new StaticReplicationPolicy(Regions, deletes: false);
        RepositoryState state = ApplyAll([new("eu", "push", 1, "v1", 0), new("eu", "delete", null, "v1", 1)], policy: policy);
        Assert.True(state.Tags["v1"].Desired.IsDeleted);
        Assert.Equal(["eu"], state.Tags["v1"].Regions.Keys);
    }

    [Fact]
    public void Apply_ManifestDelete_RecordsDeletionForDeleteEnabledTargets()
    {
        RepositoryState state = ApplyAll([new("eu", "push", 1, "v1", 0), new("eu", "delete", 1, null, 1)]);
        DeletionRecord deletion = state.Deletions[D(1).ToString()];
        Assert.Equal(["ap", "us"], deletion.Regions.Keys);
        Assert.All(deletion.Regions.Values, r => Assert.Equal(ReplicationState.Pending, r.State));
    }

    [Fact]
    public void Apply_NotifiedDigestSurvivesNewDecision()
    {
        RepositoryState state = ApplyAll([new("eu", "push", 1, "v1", 0)]);
        state = MarkAllSynced(state);
        state = ApplyAll([new("eu", "push", 2, "v1", 1)], state);
        Assert.All(state.Tags["v1"].Regions.Values, r => Assert.Equal(D(1), r.NotifiedDigest));
        Assert.All(state.Tags["v1"].Regions.Values, r => Assert.Equal(D(2), r.Digest));
    }

    private static RepositoryState MarkAllSynced(RepositoryState state) => state with
    {
        Tags = state.Tags.ToImmutableSortedDictionary(
            t => t.Key,
            t => t.Value with
            {
                Regions = t.Value.Regions.ToImmutableSortedDictionary(
                    r => r.Key,
                    r => r.Value with { State = ReplicationState.Synced, NotifiedDigest = t.Value.Desired.Digest },
                    StringComparer.Ordinal),
            },
            StringComparer.Ordinal),
    };
}
