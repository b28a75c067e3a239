using System.Collections.Immutable;
using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;

namespace GeoSync.Grains.Tests.Repositories;

/// <summary>Repository states built record by record, for the tests of the pure transitions.</summary>
internal static class TestStates
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static Digest D(int n) => Digest.Compute(BitConverter.GetBytes(n));

    public static DesiredTag Push(int digest, string source = "eu") =>
        new(D(digest), MediaTypes.OciManifest, 500, T0, source, 1, $"push-{digest}", T0);

    public static DesiredTag TagDelete(string source = "eu") =>
        new(null, string.Empty, 0, T0.AddSeconds(1), source, 1, "delete", T0.AddSeconds(1));

    public static RegionTagRecord Region(ReplicationState state, Digest? digest, string rule = "all") => new(state, digest, rule);

    public static RepositoryState WithTag(this RepositoryState state, string tag, DesiredTag desired, params (string Region, RegionTagRecord Record)[] regions) =>
        state with { Tags = state.Tags.SetItem(tag, new TagRecord(desired, Regions(regions))) };

    public static RepositoryState WithDeletion(this RepositoryState state, Digest digest, params (string Region, RegionTagRecord Record)[] regions) =>
        state with { Deletions = state.Deletions.SetItem(digest.ToString(), new DeletionRecord(digest, T0, "eu", Regions(regions))) };

    private static ImmutableSortedDictionary<string, RegionTagRecord> Regions((string Region, RegionTagRecord Record)[] regions) =>
        regions.ToImmutableSortedDictionary(r => r.Region, r => r.Record, StringComparer.Ordinal);
}
