using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Testing.Registry;

namespace GeoSync.Storage.Tests.Interop;

/// <summary>
/// The filesystem driver against the real CNCF distribution registry: an image pushed with skopeo to registry A is
/// copied by the driver from store A into store B, and skopeo pulls it back from registry B serving store B.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryInteropTests(RegistryPairFixture fixture)
{
    public static TheoryData<string, bool> ImagesAndCopyPaths => new()
    {
        { "amd", false },
        { "amd", true },
        { "multi", false },
        { "multi", true },
    };

    [Theory]
    [MemberData(nameof(ImagesAndCopyPaths))]
    public async Task CopiedImage_SecondRegistryOverTargetStore_ServesIt(string image, bool serverSide)
    {
        string repository = $"team/{image}-{(serverSide ? "server-side" : "streamed")}";
        Digest pushed = fixture.Images.DigestOf(image);
        await fixture.Skopeo.PushAsync(fixture.Images, image, fixture.RegistryA, repository, "v1");

        var copy = new ImageGraphCopy(fixture.StoreA, fixture.StoreB, serverSide);
        ImageGraph graph = await copy.CopyTagAsync(Repo(repository), Tag.Parse("v1"), Repo(repository));

        OciLayout pulled = await fixture.Skopeo.PullAsync(fixture.RegistryB, repository, "v1", fixture.NewFolder("pulled"), "v1");
        Assert.Equal(pushed, pulled.DigestOf("v1"));
        Assert.Equal(graph.AllDigests.Order(), pulled.Blobs().Order());
        Assert.Equal(ExpectedManifestCount(image), graph.ManifestsChildrenFirst.Count);
        Assert.All(pulled.Blobs(), d => Assert.Equal(File.ReadAllBytes(fixture.Images.BlobPath(d)), File.ReadAllBytes(pulled.BlobPath(d))));
    }

    public static TheoryData<string> DockerImages => new() { "amd", "multi" };

    /// <summary>skopeo converts the image to Docker schema 2 (manifest list for the index) on push; the copy must keep those documents byte for byte.</summary>
    [Theory]
    [MemberData(nameof(DockerImages))]
    public async Task CopiedDockerSchema2Image_SecondRegistryOverTargetStore_ServesTheSameManifests(string image)
    {
        string repository = $"docker/{image}";
        await fixture.Skopeo.CopyAsync(
            $"oci:{fixture.Images.Path}:{image}", $"docker://{fixture.RegistryA.Address}/{repository}:v1", preserveDigests: false, default, "--format", "v2s2");
        Digest pushed = (await fixture.StoreA.ReadTagAsync(Repo(repository), Tag.Parse("v1")))!.Value;

        ImageGraph graph = await new ImageGraphCopy(fixture.StoreA, fixture.StoreB, serverSide: false).CopyTagAsync(Repo(repository), Tag.Parse("v1"), Repo(repository));

        string? raw = await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, "v1");
        Assert.NotNull(raw);
        Assert.Equal(pushed, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw.TrimEnd('\n'))));
        Assert.All(graph.ManifestsChildrenFirst, m => Assert.StartsWith("application/vnd.docker.distribution.manifest.", m.MediaType, StringComparison.Ordinal));
        Assert.Equal(ExpectedManifestCount(image), graph.ManifestsChildrenFirst.Count);
        await fixture.Skopeo.CopyAsync($"docker://{fixture.RegistryB.Address}/{repository}:v1", $"dir:{fixture.NewFolder("pulled")}", preserveDigests: true);
    }

    [Fact]
    public async Task CopiedManifestsWithoutTag_SecondRegistry_ServesByDigestButNotByTag()
    {
        const string repository = "team/untagged";
        Digest pushed = fixture.Images.DigestOf("multi");
        await fixture.Skopeo.PushAsync(fixture.Images, "multi", fixture.RegistryA, repository, "v1");
        var copy = new ImageGraphCopy(fixture.StoreA, fixture.StoreB, serverSide: false);

        await copy.CopyTagAsync(Repo(repository), Tag.Parse("v1"), Repo(repository), setTag: false);

        Assert.NotNull(await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, pushed.ToString()));
        Assert.Null(await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, "v1"));

        await fixture.StoreB.SetTagAsync(Repo(repository), Tag.Parse("v1"), pushed);

        string? raw = await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, "v1");
        Assert.NotNull(raw);
        Assert.Equal(pushed, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw.TrimEnd('\n'))));
    }

    [Fact]
    public async Task CopyIntoSecondRepository_BlobsAlreadyInStore_WritesOnlyLinksAndIsServed()
    {
        await fixture.Skopeo.PushAsync(fixture.Images, "amd", fixture.RegistryA, "team/mount-source", "v1");
        await new ImageGraphCopy(fixture.StoreA, fixture.StoreB, serverSide: false)
            .CopyTagAsync(Repo("team/mount-source"), Tag.Parse("v1"), Repo("team/mount-first"));

        var second = new ImageGraphCopy(fixture.StoreA, fixture.StoreB, serverSide: false);
        await second.CopyTagAsync(Repo("team/mount-source"), Tag.Parse("v1"), Repo("other/mount-second"));

        Assert.Equal(0, second.BytesWritten);
        OciLayout pulled = await fixture.Skopeo.PullAsync(fixture.RegistryB, "other/mount-second", "v1", fixture.NewFolder("pulled"), "v1");
        Assert.Equal(fixture.Images.DigestOf("amd"), pulled.DigestOf("v1"));
    }

    [Fact]
    public async Task RegistryWrittenStore_ReadByDriver_ShowsRepositoryTagRevisionsAndLinks()
    {
        const string repository = "org/read-back/app";
        await fixture.Skopeo.PushAsync(fixture.Images, "multi", fixture.RegistryA, repository, "v2");
        Digest pushed = fixture.Images.DigestOf("multi");

        Assert.Contains(Repo(repository), await ToListAsync(fixture.StoreA.ListRepositoriesAsync()));
        Assert.Equal([Tag.Parse("v2")], await ToListAsync(fixture.StoreA.ListTagsAsync(Repo(repository))));
        Assert.Equal(pushed, await fixture.StoreA.ReadTagAsync(Repo(repository), Tag.Parse("v2")));
        long size = (await fixture.StoreA.StatBlobAsync(pushed))!.Value;
        ImageGraph graph = await ImageGraph.ResolveAsync(pushed, size, d => File.ReadAllBytesAsync(fixture.Images.BlobPath(d)));
        Assert.Equal(graph.ManifestsChildrenFirst.Select(m => m.Digest).Order(), (await ToListAsync(fixture.StoreA.ListManifestRevisionsAsync(Repo(repository)))).Order());
        foreach (Descriptor blob in graph.Blobs)
        {
            Assert.True(await fixture.StoreA.HasLayerLinkAsync(Repo(repository), blob.Digest), $"no layer link for {blob.Digest}");
            Assert.Equal(blob.Size, await fixture.StoreA.StatBlobAsync(blob.Digest));
        }
    }

    [Fact]
    public async Task DeletedTagAndRevision_SecondRegistry_StopsServingThem()
    {
        const string repository = "team/deleted";
        Digest pushed = fixture.Images.DigestOf("amd");
        await fixture.Skopeo.PushAsync(fixture.Images, "amd", fixture.RegistryA, repository, "v1");
        await new ImageGraphCopy(fixture.StoreA, fixture.StoreB, serverSide: false).CopyTagAsync(Repo(repository), Tag.Parse("v1"), Repo(repository));
        Assert.NotNull(await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, "v1"));

        await fixture.StoreB.DeleteTagAsync(Repo(repository), Tag.Parse("v1"));
        Assert.Null(await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, "v1"));
        Assert.NotNull(await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, pushed.ToString()));

        await fixture.StoreB.DeleteManifestLinkAsync(Repo(repository), pushed);
        Assert.Null(await fixture.Skopeo.TryInspectRawAsync(fixture.RegistryB, repository, pushed.ToString()));
    }

    private static int ExpectedManifestCount(string image) => image == "multi" ? 3 : 1;

    private static RepositoryName Repo(string name) => RepositoryName.Parse(name);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
