using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;

namespace GeoSync.Storage.Tests.Conformance;

public abstract partial class RegionStoreConformanceTests
{
    /// <summary>The two kinds of repository link, with the operations and layout path of each.</summary>
    public sealed record LinkKind(
        string Name,
        Func<IRegionStore, RepositoryName, Digest, Task> Link,
        Func<IRegionStore, RepositoryName, Digest, Task<bool>> Has,
        Func<RepositoryName, Digest, string> LayoutPath)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<LinkKind> LinkKinds => new()
    {
        new LinkKind(
            "layer",
            (s, r, d) => s.LinkLayerAsync(r, d),
            (s, r, d) => s.HasLayerLinkAsync(r, d),
            DistributionLayout.LayerLink),
        new LinkKind(
            "manifest",
            (s, r, d) => s.LinkManifestAsync(r, d),
            (s, r, d) => s.HasManifestLinkAsync(r, d),
            DistributionLayout.ManifestRevisionLink),
    };

    [Theory]
    [MemberData(nameof(LinkKinds))]
    public async Task Link_New_IsPresentAsExactLinkFile(LinkKind kind)
    {
        RepositoryName repository = Repo("team/app");
        (_, Digest digest) = NewContent();

        await kind.Link(Store, repository, digest);

        Assert.True(await kind.Has(Store, repository, digest));
        Assert.Equal($"sha256:{digest.Hex}", await ReadLayoutFileAsync(Store, kind.LayoutPath(repository, digest)));
    }

    [Theory]
    [MemberData(nameof(LinkKinds))]
    public async Task Link_Twice_IsIdempotent(LinkKind kind)
    {
        RepositoryName repository = Repo("app");
        (_, Digest digest) = NewContent();

        await kind.Link(Store, repository, digest);
        await kind.Link(Store, repository, digest);

        Assert.True(await kind.Has(Store, repository, digest));
        Assert.Equal(digest.ToString(), await ReadLayoutFileAsync(Store, kind.LayoutPath(repository, digest)));
    }

    [Theory]
    [MemberData(nameof(LinkKinds))]
    public async Task HasLink_OtherRepositoryOrDigest_IsFalse(LinkKind kind)
    {
        (_, Digest linked) = NewContent();
        (_, Digest other) = NewContent();
        await kind.Link(Store, Repo("team/app"), linked);

        Assert.False(await kind.Has(Store, Repo("team/app"), other));
        Assert.False(await kind.Has(Store, Repo("team/web"), linked));
        Assert.False(await kind.Has(Store, Repo("team"), linked));
    }

    [Fact]
    public async Task DeleteManifestLink_Linked_RemovesOnlyThatLink()
    {
        RepositoryName repository = Repo("team/app");
        (_, Digest removed) = NewContent();
        (_, Digest kept) = NewContent();
        await Store.LinkManifestAsync(repository, removed);
        await Store.LinkManifestAsync(repository, kept);

        await Store.DeleteManifestLinkAsync(repository, removed);

        Assert.False(await Store.HasManifestLinkAsync(repository, removed));
        Assert.Null(await ReadLayoutFileAsync(Store, DistributionLayout.ManifestRevisionLink(repository, removed)));
        Assert.True(await Store.HasManifestLinkAsync(repository, kept));
    }

    [Fact]
    public async Task DeleteManifestLink_Absent_IsNoOp()
    {
        (_, Digest digest) = NewContent();

        await Store.DeleteManifestLinkAsync(Repo("nothing/here"), digest);

        Assert.False(await Store.HasManifestLinkAsync(Repo("nothing/here"), digest));
    }

    [Fact]
    public async Task DeleteManifestLink_KeepsTheBlobForGarbageCollection()
    {
        RepositoryName repository = Repo("team/app");
        (byte[] bytes, Digest digest) = NewContent("manifest");
        await Store.WriteBlobAsync(digest, new MemoryStream(bytes), bytes.Length);
        await Store.LinkManifestAsync(repository, digest);

        await Store.DeleteManifestLinkAsync(repository, digest);

        Assert.False(await Store.HasManifestLinkAsync(repository, digest));
        Assert.Equal(bytes.Length, await Store.StatBlobAsync(digest));
    }
}
