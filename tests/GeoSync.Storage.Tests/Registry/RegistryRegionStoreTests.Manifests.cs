using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Testing;

namespace GeoSync.Storage.Tests.Registry;

public abstract partial class RegistryRegionStoreTests
{
    [Fact]
    public async Task PushImage_AsReplicationWritesIt_IsTaggedAndServedByTheRegistry()
    {
        RepositoryName repository = NewRepository();
        TestImage image = TestImage.Single("app", TestImage.Layer("base", 2048), TestImage.Layer("app", 512));

        await image.PushToAsync(Store, repository.ToString(), "v1");

        Assert.Equal(image.Root.Digest, await Store.ReadTagAsync(repository, Tag.Parse("v1")));
        Assert.True(await Store.HasManifestLinkAsync(repository, image.Root.Digest));
        Assert.All(image.Layers, layer => Assert.True(RegistryLinksLayer(repository, layer)));
        Assert.Equal(image.Blobs[image.Root.Digest], await ReadAllAsync(repository, image.Root.Digest));
    }

    [Fact]
    public async Task PushIndex_ChildrenFirst_IsTaggedWithEveryPlatform()
    {
        RepositoryName repository = NewRepository();
        TestImage amd = TestImage.Single("amd", "amd64", TestImage.Layer("shared", 1024), TestImage.Layer("amd", 256));
        TestImage arm = TestImage.Single("arm", "arm64", TestImage.Layer("shared", 1024), TestImage.Layer("arm", 256));
        TestImage index = TestImage.Index(amd, arm);

        await index.PushToAsync(Store, repository.ToString(), "multi");

        Assert.Equal(index.Root.Digest, await Store.ReadTagAsync(repository, Tag.Parse("multi")));
        Assert.True(await Store.HasManifestLinkAsync(repository, amd.Root.Digest));
        Assert.True(await Store.HasManifestLinkAsync(repository, arm.Root.Digest));
    }

    [Fact]
    public async Task PutManifest_LayersMissing_FailsNamingTheRegistryCodeAndTagsNothing()
    {
        RepositoryName repository = NewRepository();
        TestImage image = TestImage.Single("app", TestImage.Layer("missing", 1024));
        byte[] manifest = image.Blobs[image.Root.Digest];

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.PutManifestAsync(repository, image.Root, manifest));

        Assert.Contains("400 MANIFEST_BLOB_UNKNOWN", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.IsRetryable);
        Assert.False(await Store.HasManifestLinkAsync(repository, image.Root.Digest));
        var untagged = await Assert.ThrowsAsync<RegionStoreException>(() => Store.SetTagAsync(repository, Tag.Parse("v1"), image.Root.Digest));
        Assert.Equal(RegionStoreFailure.NotFound, untagged.Failure);
        Assert.Null(await Store.ReadTagAsync(repository, Tag.Parse("v1")));
    }

    [Fact]
    public async Task LinkManifest_ManifestInAnotherRepository_PutsItWithoutItsBytesUploaded()
    {
        RepositoryName first = NewRepository("team/first");
        RepositoryName second = NewRepository("team/second");
        TestImage image = TestImage.Single("shared", TestImage.Layer("shared", 1024));
        await image.PushToAsync(Store, first.ToString(), "v1");
        foreach (Digest layer in image.Layers)
        {
            await Store.LinkLayerAsync(second, layer);
        }

        await Store.LinkManifestAsync(second, image.Root.Digest);
        await Store.SetTagAsync(second, Tag.Parse("v1"), image.Root.Digest);

        Assert.Equal(image.Root.Digest, await Store.ReadTagAsync(second, Tag.Parse("v1")));
        Assert.Empty(Fixture.LogLines($"PUT /v2/{second}/blobs/uploads/"));
    }

    [Fact]
    public async Task PutManifest_BytesNotMatchingTheDigest_FailsAndPutsNothing()
    {
        RepositoryName repository = NewRepository();
        TestImage image = TestImage.Single("app", TestImage.Layer("mismatch", 300));
        TestImage other = TestImage.Single("other", TestImage.Layer("mismatch", 300));
        await other.PushToAsync(Store, repository.ToString(), null);

        var failure = await Assert.ThrowsAsync<RegionStoreException>(() => Store.PutManifestAsync(repository, image.Root, other.Blobs[other.Root.Digest]));

        Assert.Equal(RegionStoreFailure.DigestMismatch, failure.Failure);
        Assert.False(await Store.HasManifestLinkAsync(repository, image.Root.Digest));
    }

    [Fact]
    public async Task SetTag_Moved_FollowsTheLatestManifest()
    {
        RepositoryName repository = NewRepository();
        TestImage first = TestImage.Single("first", TestImage.Layer("first", 300));
        TestImage second = TestImage.Single("second", TestImage.Layer("second", 300));
        await first.PushToAsync(Store, repository.ToString(), "latest");
        await second.PushToAsync(Store, repository.ToString(), null);

        await Store.SetTagAsync(repository, Tag.Parse("latest"), second.Root.Digest);

        Assert.Equal(second.Root.Digest, await Store.ReadTagAsync(repository, Tag.Parse("latest")));
    }

    [Fact]
    public async Task ReadTag_Missing_ReturnsNull()
    {
        Assert.Null(await Store.ReadTagAsync(NewRepository(), Tag.Parse("v1")));
    }

    [Fact]
    public async Task DeleteManifestLink_Existing_RemovesTheManifestAndItsTag()
    {
        RepositoryName repository = NewRepository();
        TestImage image = TestImage.Single("app", TestImage.Layer("deleted", 300));
        await image.PushToAsync(Store, repository.ToString(), "v1");

        await Store.DeleteManifestLinkAsync(repository, image.Root.Digest);

        Assert.False(await Store.HasManifestLinkAsync(repository, image.Root.Digest));
        Assert.Null(await Store.ReadTagAsync(repository, Tag.Parse("v1")));
    }

    [Fact]
    public async Task DeleteManifestLink_Missing_IsNoOp()
    {
        (_, Digest digest) = NewContent();

        await Store.DeleteManifestLinkAsync(NewRepository(), digest);
    }

    [Fact]
    public async Task ListTags_MoreThanAPage_FollowsTheLinks()
    {
        RepositoryName repository = NewRepository();
        TestImage image = TestImage.Single("app", TestImage.Layer("listed", 300));
        await image.PushToAsync(Store, repository.ToString(), "v1");
        foreach (string tag in new[] { "v2", "v3", "v4", "v5" })
        {
            await Store.SetTagAsync(repository, Tag.Parse(tag), image.Root.Digest);
        }

        List<Tag> tags = await ToListAsync(Store.ListTagsAsync(repository));

        Assert.Equal(["v1", "v2", "v3", "v4", "v5"], tags.Select(t => t.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListTags_UnknownRepository_IsEmpty()
    {
        Assert.Empty(await ToListAsync(Store.ListTagsAsync(NewRepository())));
    }

    [Fact]
    public async Task ListRepositories_AcrossPages_FindsEveryPushedRepository()
    {
        RepositoryName[] repositories = [NewRepository("listed/a"), NewRepository("listed/b"), NewRepository("listed/c")];
        TestImage image = TestImage.Single("app", TestImage.Layer("catalog", 300));
        foreach (RepositoryName repository in repositories)
        {
            await image.PushToAsync(Store, repository.ToString(), "v1");
        }

        List<RepositoryName> listed = await ToListAsync(Store.ListRepositoriesAsync());

        Assert.Superset(repositories.ToHashSet(), listed.ToHashSet());
    }
}
