using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Testing;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>
/// A rule requiring a signature, on a real silo: no region is announced before the signature is there, the source
/// region included, and a signature is a referrer that replicates and settles but is never gated itself.
/// </summary>
public sealed class ReferrerGateTests
{
    private const string Repository = "team/app";
    private const string Sig = "application/vnd.dev.cosign.artifact.sig.v1+json";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NotifyAsync_GatedPush_NoRegionAnnouncedBeforeTheSignatureIsThere_SourceIncluded()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => (o.Regions, o.Gate) = (["eu", "us"], Sig));
        TestImage image = TestImage.Single("gated", TestImage.Layer("gated", 4 * 1024));
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", image.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        await Eventually.HoldsAsync(
            async () => Regions(await grain.GetStateAsync(), "v1").All(r => r is { State: ReplicationState.Pending, LastError: { } error } && error.Contains(Sig, StringComparison.Ordinal)),
            Deadline,
            "every region, the source included, waits for the signature");
        Assert.Empty(silo.Observer.Notices);

        TestImage signature = TestImage.Referrer(image, Sig, "signature");
        await signature.PushToAsync(silo.Stores["eu"].Inner, Repository, null);
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, null, signature.Root);
        await grain.NotifyAsync();

        await Eventually.HoldsAsync(async () => Regions(await grain.GetStateAsync(), "v1").All(r => r.State == ReplicationState.Synced), Deadline, "every region Synced once signed");
        Assert.Equal(["eu", "us"], silo.Observer.Notices.Where(n => n.Tag == "v1").Select(n => n.Region).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NotifyAsync_CosignSignatureTagUnderAGate_SignatureTagSettlesEverywhereAndIsAnnouncedAsAReferrer()
    {
        await using GrainTestSilo silo = await GrainTestSilo.StartAsync(o => (o.Regions, o.Gate) = (["eu", "us"], Sig));
        TestImage image = TestImage.Single("signed", TestImage.Layer("signed", 4 * 1024));
        string sigTag = Referrers.TagFor(image.Root.Digest, Referrers.SignatureSuffix).Value;
        // What cosign writes: an ordinary image manifest, no subject, under sha256-<hex>.sig.
        TestImage signature = TestImage.Single("cosign-sig", TestImage.Layer("cosign-sig", 300));
        await image.PushToAsync(silo.Stores["eu"].Inner, Repository, "v1");
        await signature.PushToAsync(silo.Stores["eu"].Inner, Repository, sigTag);
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, "v1", image.Root);
        await InboxPushes.AppendAsync(silo.Database, "eu", Repository, sigTag, signature.Root);
        IRepositoryGrain grain = silo.Client.GetGrain<IRepositoryGrain>(Repository);

        await grain.NotifyAsync();

        await Eventually.HoldsAsync(
            async () => await grain.GetStateAsync() is var state && Regions(state, "v1").Concat(Regions(state, sigTag)).All(r => r.State == ReplicationState.Synced),
            Deadline,
            "the image and its signature tag Synced in every region");
        Assert.False((await grain.GetStateAsync()).HasUnfinishedWork);
        Assert.All(silo.Observer.Notices.Where(n => n.Tag == sigTag), n => Assert.True(n.Referrer, $"{n.Region}: the signature's notice names it a referrer"));
        Assert.All(silo.Observer.Notices.Where(n => n.Tag == "v1"), n => Assert.False(n.Referrer, $"{n.Region}: the image's notice names no referrer"));
        Assert.Equal(4, silo.Observer.Notices.Count);
    }

    private static IReadOnlyList<RegionTagRecord> Regions(RepositoryState state, string tag) =>
        state.Tags.TryGetValue(tag, out TagRecord? record) ? [.. record.Regions.Values] : [new RegionTagRecord(ReplicationState.Pending, null, string.Empty)];
}
