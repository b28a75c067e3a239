using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Content.Manifests;

namespace GeoSync.Domain.Tests.Content;

public sealed class ImageGraphBuilderLimitTests
{
    /// <summary>Content that must be refused: the root, the limits, and the manifest the error must name.</summary>
    public sealed record Case(Descriptor Root, ImageGraphLimits Limits, Digest Culprit);

    private static readonly ImageGraphLimits Unverified = new() { VerifyManifests = false };

    private static readonly Dictionary<string, (ImageGraphError Error, string Message, Func<ContentStore, Case> Setup)> Cases = new()
    {
        ["index listing itself"] = (ImageGraphError.Cycle, "manifests form a cycle", store =>
        {
            // Content addressing makes a real cycle a SHA-256 fixed point; a store that lies (unverified) can still hand one over.
            Digest a = Digest.Compute("a"u8);
            store.PutAt(a, $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{{a}}","size":1}]}""");
            return new(new Descriptor(MediaTypes.OciIndex, a, 1), Unverified, a);
        }),
        ["two indexes listing each other"] = (ImageGraphError.Cycle, "manifests form a cycle", store =>
        {
            Digest a = Digest.Compute("a"u8), b = Digest.Compute("b"u8);
            store.PutAt(a, $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{{b}}","size":1}]}""");
            store.PutAt(b, $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"{{a}}","size":1}]}""");
            return new(new Descriptor(MediaTypes.OciIndex, a, 1), Unverified, a);
        }),
        ["nine levels, default limit 8"] = (ImageGraphError.TooDeep, "deeper than 8 levels", store =>
        {
            (Descriptor root, Descriptor deepest) = Chain(store, 9);
            return new(root, ImageGraphLimits.Default, deepest.Digest);
        }),
        ["three levels, limit 2"] = (ImageGraphError.TooDeep, "deeper than 2 levels", store =>
        {
            (Descriptor root, Descriptor deepest) = Chain(store, 3);
            return new(root, new ImageGraphLimits { MaxDepth = 2 }, deepest.Digest);
        }),
        ["seven descriptors, cap 6"] = (ImageGraphError.TooManyDescriptors, "more than 6 descriptors", store =>
        {
            Descriptor root = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), Layers(5));
            return new(root, new ImageGraphLimits { MaxDescriptors = 6 }, root.Digest);
        }),
        ["index whose children push past the cap"] = (ImageGraphError.TooManyDescriptors, "more than 4 descriptors", store =>
        {
            Descriptor[] children = [.. Enumerable.Range(0, 4).Select(i => store.Manifest(ContentStore.Blob($"c{i}", MediaTypes.OciConfig), []))];
            Descriptor root = store.Index(children);
            return new(root, new ImageGraphLimits { MaxDescriptors = 4 }, root.Digest);
        }),
        ["manifest bytes swapped for others of the same length"] = (ImageGraphError.DigestMismatch, "hashes to", store =>
        {
            Descriptor good = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), Layers(1));
            string text = System.Text.Encoding.UTF8.GetString(store[good.Digest]);
            store.PutAt(good.Digest, text.Replace("\"schemaVersion\":2", "\"schemaVersion\":2 ", StringComparison.Ordinal)[..text.Length]);
            Descriptor root = store.Index([good]);
            return new(root, ImageGraphLimits.Default, good.Digest);
        }),
        ["descriptor size disagrees with the bytes"] = (ImageGraphError.SizeMismatch, "descriptor says", store =>
        {
            Descriptor good = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), Layers(1));
            return new(good with { Size = good.Size + 1 }, ImageGraphLimits.Default, good.Digest);
        }),
        ["descriptor announces a manifest over the limit"] = (ImageGraphError.ManifestTooLarge, "the limit is 100", store =>
        {
            Descriptor child = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), Layers(3));
            Descriptor root = store.PutRaw(
                $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"{{child.MediaType}}","digest":"{{child.Digest}}","size":{{child.Size}}}]}""",
                MediaTypes.OciIndex);
            Assert.True(root.Size > 100 && child.Size > 100);
            return new(root, new ImageGraphLimits { MaxManifestBytes = 100 }, root.Digest);
        }),
        ["fetched bytes over the limit though the descriptor is small"] = (ImageGraphError.ManifestTooLarge, "fetched", store =>
        {
            Descriptor big = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), Layers(3));
            return new(big with { Size = 10 }, new ImageGraphLimits { MaxManifestBytes = 100, VerifyManifests = false }, big.Digest);
        }),
        ["malformed child manifest"] = (ImageGraphError.InvalidManifest, "layers[0].size", store =>
        {
            Descriptor bad = store.PutRaw(
                """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":-2}]}""",
                MediaTypes.OciManifest);
            return new(store.Index([bad]), ImageGraphLimits.Default, bad.Digest);
        }),
        ["child contradicts its index entry's media type"] = (ImageGraphError.InvalidManifest, "contradicts", store =>
        {
            Descriptor child = store.Manifest(ContentStore.Blob("c", MediaTypes.DockerConfig), [], mediaType: MediaTypes.DockerManifest);
            return new(store.Index([child with { MediaType = MediaTypes.OciManifest }]), ImageGraphLimits.Default, child.Digest);
        }),
        ["Docker schema 1 root"] = (ImageGraphError.InvalidManifest, "schema 1", store =>
        {
            Descriptor schema1 = store.PutRaw("""{"schemaVersion":1,"name":"team/app","tag":"old","fsLayers":[]}""", MediaTypes.DockerSchema1SignedManifest);
            return new(schema1, ImageGraphLimits.Default, schema1.Digest);
        }),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task BuildAsync_ContentBreakingAProtection_ThrowsNamingIt(string name)
    {
        var store = new ContentStore();
        (ImageGraphError expectedError, string message, Func<ContentStore, Case> setup) = Cases[name];
        Case c = setup(store);

        ImageGraphException error = await Assert.ThrowsAsync<ImageGraphException>(
            () => new ImageGraphBuilder(store.FetchAsync, c.Limits).BuildAsync(c.Root));

        Assert.Equal(expectedError, error.Error);
        Assert.Equal(c.Culprit, error.Digest);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        if (expectedError == ImageGraphError.InvalidManifest)
        {
            Assert.IsType<ManifestFormatException>(error.InnerException);
        }
    }

    public static TheoryData<int, int, bool> DepthBoundaries => new()
    {
        { 8, 8, true },
        { 9, 8, false },
        { 1, 1, true },
        { 2, 1, false },
    };

    [Theory]
    [MemberData(nameof(DepthBoundaries))]
    public async Task BuildAsync_NestingAtTheLimit_SucceedsAndOneMoreFails(int levels, int maxDepth, bool succeeds)
    {
        var store = new ContentStore();
        (Descriptor root, _) = Chain(store, levels);
        var builder = new ImageGraphBuilder(store.FetchAsync, new ImageGraphLimits { MaxDepth = maxDepth });

        Task<ImageGraph> build = builder.BuildAsync(root);

        if (succeeds)
        {
            Assert.Equal(levels, (await build).Manifests.Count);
        }
        else
        {
            Assert.Equal(ImageGraphError.TooDeep, (await Assert.ThrowsAsync<ImageGraphException>(() => build)).Error);
        }
    }

    [Fact]
    public async Task BuildAsync_ExactlyAtTheDescriptorCap_Succeeds()
    {
        var store = new ContentStore();
        Descriptor root = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), Layers(5));

        ImageGraph graph = await new ImageGraphBuilder(store.FetchAsync, new ImageGraphLimits { MaxDescriptors = 7 }).BuildAsync(root);

        Assert.Equal(7, graph.Nodes.Count);
    }

    [Fact]
    public void Constructor_NonPositiveLimit_ThrowsNamingIt()
    {
        var store = new ContentStore();

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ImageGraphBuilder(store.FetchAsync, new ImageGraphLimits { MaxDescriptors = 0 }));

        Assert.Equal(nameof(ImageGraphLimits.MaxDescriptors), error.ParamName);
    }

    /// <summary>A chain of <paramref name="levels"/> manifests: indexes each listing the next, ending in an image manifest.</summary>
    private static (Descriptor Root, Descriptor Deepest) Chain(ContentStore store, int levels)
    {
        Descriptor deepest = store.Manifest(ContentStore.Blob("config", MediaTypes.OciConfig), Layers(1));
        Descriptor current = deepest;
        for (int i = 1; i < levels; i++)
        {
            current = store.Index([current]);
        }

        return (current, deepest);
    }

    private static Descriptor[] Layers(int count) => [.. Enumerable.Range(0, count).Select(i => ContentStore.Blob($"layer-{i}"))];
}
