using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;

namespace GeoSync.Storage.Tests.Conformance;

public abstract partial class RegionStoreConformanceTests
{
    [Fact]
    public async Task ReadTag_Missing_ReturnsNull()
    {
        Assert.Null(await Store.ReadTagAsync(Repo("team/app"), TagOf("v1")));
    }

    [Fact]
    public async Task SetTag_New_WritesIndexEntryAndCurrentLink()
    {
        RepositoryName repository = Repo("team/app");
        Tag tag = TagOf("v1.0");
        (_, Digest digest) = NewContent("manifest");

        await Store.SetTagAsync(repository, tag, digest);

        Assert.Equal(digest, await Store.ReadTagAsync(repository, tag));
        Assert.Equal(digest.ToString(), await ReadLayoutFileAsync(Store, DistributionLayout.TagCurrentLink(repository, tag)));
        Assert.Equal(digest.ToString(), await ReadLayoutFileAsync(Store, DistributionLayout.TagIndexLink(repository, tag, digest)));
    }

    [Fact]
    public async Task SetTag_Moved_CurrentFollowsAndIndexKeepsEveryDigest()
    {
        RepositoryName repository = Repo("team/app");
        Tag tag = TagOf("latest");
        (_, Digest first) = NewContent("first");
        (_, Digest second) = NewContent("second");

        await Store.SetTagAsync(repository, tag, first);
        await Store.SetTagAsync(repository, tag, second);

        Assert.Equal(second, await Store.ReadTagAsync(repository, tag));
        Assert.Equal(second.ToString(), await ReadLayoutFileAsync(Store, DistributionLayout.TagCurrentLink(repository, tag)));
        Assert.Equal(first.ToString(), await ReadLayoutFileAsync(Store, DistributionLayout.TagIndexLink(repository, tag, first)));
        Assert.Equal(second.ToString(), await ReadLayoutFileAsync(Store, DistributionLayout.TagIndexLink(repository, tag, second)));
    }

    [Fact]
    public async Task SetTag_MovedBack_PointsAtTheEarlierDigestAgain()
    {
        RepositoryName repository = Repo("app");
        Tag tag = TagOf("stable");
        (_, Digest first) = NewContent("first");
        (_, Digest second) = NewContent("second");

        await Store.SetTagAsync(repository, tag, first);
        await Store.SetTagAsync(repository, tag, second);
        await Store.SetTagAsync(repository, tag, first);

        Assert.Equal(first, await Store.ReadTagAsync(repository, tag));
    }

    [Fact]
    public async Task DeleteTag_Existing_RemovesOnlyThatTag()
    {
        RepositoryName repository = Repo("team/app");
        (_, Digest digest) = NewContent("manifest");
        await Store.SetTagAsync(repository, TagOf("old"), digest);
        await Store.SetTagAsync(repository, TagOf("kept"), digest);

        await Store.DeleteTagAsync(repository, TagOf("old"));

        Assert.Null(await Store.ReadTagAsync(repository, TagOf("old")));
        Assert.Null(await ReadLayoutFileAsync(Store, DistributionLayout.TagCurrentLink(repository, TagOf("old"))));
        Assert.Null(await ReadLayoutFileAsync(Store, DistributionLayout.TagIndexLink(repository, TagOf("old"), digest)));
        Assert.Equal(digest, await Store.ReadTagAsync(repository, TagOf("kept")));
        Assert.Equal([TagOf("kept")], await ToListAsync(Store.ListTagsAsync(repository)));
    }

    [Fact]
    public async Task DeleteTag_Missing_IsNoOp()
    {
        await Store.DeleteTagAsync(Repo("team/app"), TagOf("never"));

        Assert.Null(await Store.ReadTagAsync(Repo("team/app"), TagOf("never")));
    }

    [Fact]
    public async Task DeleteTag_ThenSetAgain_PointsAtTheNewDigest()
    {
        RepositoryName repository = Repo("team/app");
        (_, Digest first) = NewContent("first");
        (_, Digest second) = NewContent("second");
        await Store.SetTagAsync(repository, TagOf("v1"), first);
        await Store.DeleteTagAsync(repository, TagOf("v1"));

        await Store.SetTagAsync(repository, TagOf("v1"), second);

        Assert.Equal(second, await Store.ReadTagAsync(repository, TagOf("v1")));
    }
}
