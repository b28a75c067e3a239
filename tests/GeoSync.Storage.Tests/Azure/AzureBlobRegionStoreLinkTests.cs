using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Azure;
using GeoSync.Storage.Layout;
using GeoSync.Storage.Tests.Azure.Support;
using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>Links, tags and listings as blobs in the distribution layout, against real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobRegionStoreLinkTests(AzuriteServer azurite)
{
    private static readonly RepositoryName App = RepositoryName.Parse("team/app");
    private static readonly Digest First = Digest.Compute("first"u8);
    private static readonly Digest Second = Digest.Compute("second"u8);

    public static TheoryData<string, Func<IRegionStore, Task>, string> Links => new()
    {
        { "layer", store => store.LinkLayerAsync(App, First), DistributionLayout.LayerLink(App, First) },
        { "manifest revision", store => store.LinkManifestAsync(App, First), DistributionLayout.ManifestRevisionLink(App, First) },
        { "tag current", store => store.SetTagAsync(App, Tag.Parse("v1"), First), DistributionLayout.TagCurrentLink(App, Tag.Parse("v1")) },
        { "tag index", store => store.SetTagAsync(App, Tag.Parse("v1"), First), DistributionLayout.TagIndexLink(App, Tag.Parse("v1"), First) },
    };

    [Theory]
    [MemberData(nameof(Links))]
    public async Task Link_Written_IsBlobHoldingExactlyTheDigest(string _, Func<IRegionStore, Task> link, string layoutPath)
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.PathPrefix = "root");

        await link(store);

        BlobClient blob = AzuriteStores.Inspect(azurite, store).GetBlobClient("root/" + layoutPath);
        Assert.Equal($"sha256:{First.Hex}", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task SetTag_Moved_ReadsNewDigestAndKeepsBothIndexEntries()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu);
        Tag tag = Tag.Parse("latest");
        Assert.Null(await store.ReadTagAsync(App, tag));

        await store.SetTagAsync(App, tag, First);
        await store.SetTagAsync(App, tag, Second);

        Assert.Equal(Second, await store.ReadTagAsync(App, tag));
        BlobContainerClient container = AzuriteStores.Inspect(azurite, store);
        Assert.True(await container.GetBlobClient(DistributionLayout.TagIndexLink(App, tag, First)).ExistsAsync());
        Assert.True(await container.GetBlobClient(DistributionLayout.TagIndexLink(App, tag, Second)).ExistsAsync());
    }

    [Theory]
    [InlineData("", RegionStoreFailure.Unavailable)]
    [InlineData("sha256:0123", RegionStoreFailure.Unavailable)]
    [InlineData("not a digest", RegionStoreFailure.Failed)]
    public async Task ReadTag_LinkEmptyOrPartial_RetryableWhileBeingWrittenOtherwiseCorrupt(string content, RegionStoreFailure failure)
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu);
        Tag tag = Tag.Parse("v1");
        BlobContainerClient container = AzuriteStores.Inspect(azurite, store);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(DistributionLayout.TagCurrentLink(App, tag)).UploadAsync(BinaryData.FromString(content));

        var thrown = await Assert.ThrowsAsync<RegionStoreException>(() => store.ReadTagAsync(App, tag));

        Assert.Equal(failure, thrown.Failure);
        Assert.Equal(failure == RegionStoreFailure.Unavailable, thrown.IsRetryable);
    }

    [Fact]
    public async Task DeleteTag_WithHistory_RemovesEveryBlobUnderTheTagOnly()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu);
        Tag v1 = Tag.Parse("v1");
        Tag v10 = Tag.Parse("v10");
        await store.SetTagAsync(App, v1, First);
        await store.SetTagAsync(App, v1, Second);
        await store.SetTagAsync(App, v10, First);

        await store.DeleteTagAsync(App, v1);
        await store.DeleteTagAsync(App, Tag.Parse("never-existed"));

        Assert.Null(await store.ReadTagAsync(App, v1));
        Assert.Equal(First, await store.ReadTagAsync(App, v10));
        BlobContainerClient container = AzuriteStores.Inspect(azurite, store);
        Assert.Empty(await container.GetBlobsAsync(BlobTraits.None, BlobStates.None, DistributionLayout.Tag(App, v1) + "/", CancellationToken.None).ToListAsync());
        Assert.Equal([v10], await store.ListTagsAsync(App).ToListAsync());
    }

    [Fact]
    public async Task DeleteManifestLink_PresentAndAbsent_RemovesOnlyThatLink()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu);
        await store.LinkManifestAsync(App, First);
        await store.LinkLayerAsync(App, First);

        await store.DeleteManifestLinkAsync(App, First);
        await store.DeleteManifestLinkAsync(App, Second);

        Assert.False(await store.HasManifestLinkAsync(App, First));
        Assert.True(await store.HasLayerLinkAsync(App, First));
    }

    [Fact]
    public async Task ListRepositories_NestedAndSiblingNames_ListsEachRepositoryOnce()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu, configure: o => o.PathPrefix = "a/b");
        RepositoryName[] repositories = [.. new[] { "base", "team/app", "team/app/sidecar", "team/tools", "x" }.Select(RepositoryName.Parse)];
        foreach (RepositoryName repository in repositories)
        {
            // Some repositories hold only manifests, some only layers: either makes a repository.
            await (repository.Value.Contains("tools", StringComparison.Ordinal)
                ? store.LinkLayerAsync(repository, First)
                : store.LinkManifestAsync(repository, First));
        }

        List<RepositoryName> listed = await store.ListRepositoriesAsync().ToListAsync();

        Assert.Equal(repositories.OrderBy(r => r.Value, StringComparer.Ordinal), listed.OrderBy(r => r.Value, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListTagsAndRevisions_OfRepository_ListsOnlyThatRepository()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu);
        RepositoryName other = RepositoryName.Parse("team/app/sidecar");
        await store.SetTagAsync(App, Tag.Parse("v1"), First);
        await store.SetTagAsync(App, Tag.Parse("v2"), Second);
        await store.LinkManifestAsync(App, First);
        await store.LinkManifestAsync(App, Second);
        await store.SetTagAsync(other, Tag.Parse("other"), First);
        await store.LinkManifestAsync(other, Digest.Compute("other"u8));

        Assert.Equal(["v1", "v2"], (await store.ListTagsAsync(App).ToListAsync()).Select(t => t.Value).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { First, Second }.Order(), (await store.ListManifestRevisionsAsync(App).ToListAsync()).Order());
    }

    [Fact]
    public async Task Listing_ContainerNeverCreated_IsEmpty()
    {
        AzureBlobRegionStore store = AzuriteStores.Create(azurite, AzuriteStores.Eu);

        Assert.Empty(await store.ListRepositoriesAsync().ToListAsync());
        Assert.Empty(await store.ListTagsAsync(App).ToListAsync());
        Assert.Null(await store.StatBlobAsync(First));
        Assert.False(await store.HasLayerLinkAsync(App, First));
        Assert.Null(await store.ReadTagAsync(App, Tag.Parse("v1")));
    }
}
