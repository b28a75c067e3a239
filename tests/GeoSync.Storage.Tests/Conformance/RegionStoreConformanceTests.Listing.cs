using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage.Tests.Conformance;

public abstract partial class RegionStoreConformanceTests
{
    [Fact]
    public async Task ListRepositories_Empty_ListsNone()
    {
        Assert.Empty(await ToListAsync(Store.ListRepositoriesAsync()));
    }

    [Fact]
    public async Task ListRepositories_NestedNames_ListsEveryRepository()
    {
        (_, Digest digest) = NewContent();
        await Store.LinkLayerAsync(Repo("app"), digest);                         // layers only
        await Store.LinkManifestAsync(Repo("team/app"), digest);                 // a manifest
        await Store.SetTagAsync(Repo("team/app/sub"), TagOf("v1"), digest);      // below another repository
        await Store.LinkLayerAsync(Repo("team/web-ui"), digest);                 // sibling of a repository
        await Store.LinkManifestAsync(Repo("org.example/group/deep/name"), digest);

        List<RepositoryName> listed = await ToListAsync(Store.ListRepositoriesAsync());

        Assert.Equal(
            new[] { "app", "org.example/group/deep/name", "team/app", "team/app/sub", "team/web-ui" },
            listed.Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListRepositories_OtherStore_ListsOnlyItsOwn()
    {
        (_, Digest digest) = NewContent();
        await Store.LinkLayerAsync(Repo("mine"), digest);
        await OtherStore.LinkLayerAsync(Repo("theirs"), digest);

        Assert.Equal([Repo("mine")], await ToListAsync(Store.ListRepositoriesAsync()));
    }

    [Fact]
    public async Task ListTags_Repository_ListsEveryTag()
    {
        RepositoryName repository = Repo("team/app");
        (_, Digest digest) = NewContent();
        string[] tags = ["1.0", "latest", "sha256-" + digest.Hex + ".sig", "v2_rc-1"];
        foreach (string tag in tags)
        {
            await Store.SetTagAsync(repository, TagOf(tag), digest);
        }

        await Store.SetTagAsync(Repo("team/app/sub"), TagOf("not-mine"), digest);

        List<Tag> listed = await ToListAsync(Store.ListTagsAsync(repository));

        Assert.Equal(tags.Order(StringComparer.Ordinal), listed.Select(t => t.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListTags_UnknownRepository_ListsNone()
    {
        Assert.Empty(await ToListAsync(Store.ListTagsAsync(Repo("unknown/repo"))));
    }

    [Fact]
    public async Task ListManifestRevisions_Repository_ListsLinkedRevisionsOnly()
    {
        RepositoryName repository = Repo("team/app");
        (_, Digest first) = NewContent("first");
        (_, Digest second) = NewContent("second");
        (_, Digest deleted) = NewContent("deleted");
        (_, Digest layer) = NewContent("layer");
        await Store.LinkManifestAsync(repository, first);
        await Store.LinkManifestAsync(repository, second);
        await Store.LinkManifestAsync(repository, deleted);
        await Store.DeleteManifestLinkAsync(repository, deleted);
        await Store.LinkLayerAsync(repository, layer);

        List<Digest> listed = await ToListAsync(Store.ListManifestRevisionsAsync(repository));

        Assert.Equal(new[] { first, second }.Order(), listed.Order());
    }

    [Fact]
    public async Task ListManifestRevisions_UnknownRepository_ListsNone()
    {
        Assert.Empty(await ToListAsync(Store.ListManifestRevisionsAsync(Repo("unknown"))));
    }
}
