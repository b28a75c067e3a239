using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using static GeoSync.Domain.Content.Graph.ImageGraphNodeKind;
using NodeKind = GeoSync.Domain.Content.Graph.ImageGraphNodeKind;

namespace GeoSync.Domain.Tests.Content;

public sealed class ImageGraphBuilderTests
{
    /// <summary>A graph scenario: the root to resolve and every node expected, in replication order.</summary>
    public sealed record Scenario(Descriptor Root, (Descriptor Descriptor, ImageGraphNodeKind Kind)[] Expected, string[] Platforms);

    private static readonly Platform Amd64 = new("linux", "amd64");
    private static readonly Platform Arm64 = new("linux", "arm64", "v8");
    private static readonly Platform Unknown = new("unknown", "unknown");

    private static readonly Dictionary<string, Func<ContentStore, Scenario>> Scenarios = new()
    {
        ["single OCI manifest"] = store =>
        {
            Descriptor config = ContentStore.Blob("config", MediaTypes.OciConfig);
            Descriptor l1 = ContentStore.Blob("layer-1");
            Descriptor l2 = ContentStore.Blob("layer-2");
            Descriptor manifest = store.Manifest(config, [l1, l2]);
            return new(manifest, [(config, Config), (l1, Layer), (l2, Layer), (manifest, Manifest)], []);
        },
        ["Docker schema 2 manifest"] = store =>
        {
            Descriptor config = ContentStore.Blob("docker-config", MediaTypes.DockerConfig);
            Descriptor l1 = ContentStore.Blob("docker-layer", MediaTypes.DockerLayerTarGzip);
            Descriptor manifest = store.Manifest(config, [l1], mediaType: MediaTypes.DockerManifest);
            return new(manifest, [(config, Config), (l1, Layer), (manifest, Manifest)], []);
        },
        ["multi-arch index sharing a base layer, with an attestation"] = store =>
        {
            Descriptor shared = ContentStore.Blob("base-layer");
            Descriptor configA = ContentStore.Blob("config-amd64", MediaTypes.OciConfig);
            Descriptor layerA = ContentStore.Blob("app-amd64");
            Descriptor configB = ContentStore.Blob("config-arm64", MediaTypes.OciConfig);
            Descriptor layerB = ContentStore.Blob("app-arm64");
            Descriptor attConfig = ContentStore.Blob("attestation-config", MediaTypes.OciConfig);
            Descriptor provenance = ContentStore.Blob("provenance", "application/vnd.in-toto+json");
            Descriptor amd64 = store.Manifest(configA, [shared, layerA]) with { Platform = Amd64 };
            Descriptor arm64 = store.Manifest(configB, [shared, layerB]) with { Platform = Arm64 };
            Descriptor attestation = store.Manifest(attConfig, [provenance]) with { Platform = Unknown };
            Descriptor index = store.Index([amd64, arm64, attestation]);
            return new(index,
            [
                (configA, Config), (shared, Layer), (layerA, Layer), (configB, Config), (layerB, Layer), (attConfig, Config), (provenance, Layer),
                (amd64, Manifest), (arm64, Manifest), (attestation, Manifest), (index, NodeKind.Index),
            ], ["linux/amd64", "linux/arm64/v8"]);
        },
        ["Docker manifest list"] = store =>
        {
            Descriptor shared = ContentStore.Blob("base", MediaTypes.DockerLayerTarGzip);
            Descriptor configA = ContentStore.Blob("cfg-a", MediaTypes.DockerConfig);
            Descriptor configB = ContentStore.Blob("cfg-b", MediaTypes.DockerConfig);
            Descriptor a = store.Manifest(configA, [shared], mediaType: MediaTypes.DockerManifest) with { Platform = Amd64 };
            Descriptor b = store.Manifest(configB, [shared], mediaType: MediaTypes.DockerManifest) with { Platform = Arm64 };
            Descriptor list = store.Index([a, b], MediaTypes.DockerManifestList);
            return new(list, [(configA, Config), (shared, Layer), (configB, Config), (a, Manifest), (b, Manifest), (list, NodeKind.Index)],
                ["linux/amd64", "linux/arm64/v8"]);
        },
        ["nested index: children before parents at every level"] = store =>
        {
            Descriptor c1 = ContentStore.Blob("c1", MediaTypes.OciConfig);
            Descriptor c2 = ContentStore.Blob("c2", MediaTypes.OciConfig);
            Descriptor l = ContentStore.Blob("l");
            Descriptor m1 = store.Manifest(c1, [l]);
            Descriptor m2 = store.Manifest(c2, [l]);
            Descriptor inner = store.Index([m1]);
            Descriptor outer = store.Index([inner, m2]);
            return new(outer, [(c1, Config), (l, Layer), (c2, Config), (m1, Manifest), (inner, NodeKind.Index), (m2, Manifest), (outer, NodeKind.Index)], []);
        },
        ["index listing one manifest twice"] = store =>
        {
            Descriptor c = ContentStore.Blob("c", MediaTypes.OciConfig);
            Descriptor l = ContentStore.Blob("l");
            Descriptor m = store.Manifest(c, [l]);
            Descriptor index = store.Index([m with { Platform = Amd64 }, m with { Platform = new Platform("linux", "386") }]);
            return new(index, [(c, Config), (l, Layer), (m with { Platform = Amd64 }, Manifest), (index, NodeKind.Index)], ["linux/amd64", "linux/386"]);
        },
        ["signature referrer: subject not followed, empty config kept"] = store =>
        {
            Descriptor subject = ContentStore.Blob("some other manifest", MediaTypes.OciManifest);
            Descriptor sig = ContentStore.Blob("signature", "application/vnd.dev.cosign.simplesigning.v1+json");
            Descriptor manifest = store.Manifest(Descriptor.EmptyJson, [sig], subject, "application/vnd.dev.cosign.artifact.sig.v1+json");
            return new(manifest, [(Descriptor.EmptyJson, Config), (sig, Layer), (manifest, Manifest)], []);
        },
        ["OCI artifact manifest with blobs"] = store =>
        {
            Descriptor blob = ContentStore.Blob("sbom-content", "application/spdx+json");
            Descriptor artifact = store.PutRaw(
                $$"""{"mediaType":"{{MediaTypes.OciArtifactManifest}}","artifactType":"application/spdx+json","blobs":[{"mediaType":"application/spdx+json","digest":"{{blob.Digest}}","size":{{blob.Size}}}]}""",
                MediaTypes.OciArtifactManifest);
            return new(artifact, [(blob, Blob), (artifact, Manifest)], []);
        },
        ["single manifest whose descriptor names a platform"] = store =>
        {
            Descriptor c = ContentStore.Blob("c", MediaTypes.OciConfig);
            Descriptor m = store.Manifest(c, []) with { Platform = Arm64 };
            return new(m, [(c, Config), (m, Manifest)], ["linux/arm64/v8"]);
        },
    };

    public static TheoryData<string> ScenarioNames => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task BuildAsync_Scenario_ListsEveryNodeOnceChildrenBeforeParents(string name)
    {
        var store = new ContentStore();
        Scenario scenario = Scenarios[name](store);

        ImageGraph graph = await new ImageGraphBuilder(store.FetchAsync).BuildAsync(scenario.Root);

        Assert.Equal(scenario.Expected.Select(e => (e.Descriptor.Digest, e.Kind)), graph.Nodes.Select(n => (n.Digest, n.Kind)));
        Assert.Equal(scenario.Expected.Select(e => e.Descriptor), graph.Nodes.Select(n => n.Descriptor));
        Assert.Equal(scenario.Root.Digest, graph.Root.Digest);
        Assert.Same(graph.Nodes[^1], graph.Root);
        Assert.Equal(graph.Nodes.Where(n => !n.IsManifest), graph.Blobs);
        Assert.Equal(graph.Nodes.Where(n => n.IsManifest), graph.Manifests);
        Assert.All(graph.Manifests, m => Assert.NotNull(m.Document));
        Assert.All(graph.Blobs, b => Assert.Null(b.Document));
        Assert.Equal(scenario.Expected.Sum(e => e.Descriptor.Size), graph.TotalSize);
        Assert.Equal(scenario.Platforms, graph.Platforms.Select(p => p.ToString()));
        Assert.All(graph.Manifests, m => Assert.Equal(1, store.Fetches[m.Digest]));
        Assert.All(graph.Blobs, b => Assert.False(store.Fetches.ContainsKey(b.Digest)));
        Assert.All(scenario.Expected, e => Assert.True(graph.Contains(e.Descriptor.Digest)));
    }

    [Fact]
    public async Task BuildAsync_RootBytesGiven_DoesNotFetchRootButVerifiesIt()
    {
        var store = new ContentStore();
        Descriptor root = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), [ContentStore.Blob("l")]);
        var builder = new ImageGraphBuilder(store.FetchAsync);

        ImageGraph graph = await builder.BuildAsync(root, store[root.Digest]);
        byte[] tampered = (byte[])store[root.Digest].Clone();
        tampered[^2] = (byte)' ';
        ImageGraphException error = await Assert.ThrowsAsync<ImageGraphException>(() => builder.BuildAsync(root, tampered));

        Assert.Equal(3, graph.Nodes.Count);
        Assert.Empty(store.Fetches);
        Assert.Equal(ImageGraphError.DigestMismatch, error.Error);
    }

    [Fact]
    public async Task BuildAsync_FetchFails_PropagatesTheFetchError()
    {
        var store = new ContentStore();
        Descriptor missing = ContentStore.Blob("never stored", MediaTypes.OciManifest);
        Descriptor index = store.Index([missing]);

        await Assert.ThrowsAsync<FileNotFoundException>(() => new ImageGraphBuilder(store.FetchAsync).BuildAsync(index));
    }

    [Fact]
    public async Task BuildAsync_Cancelled_Throws()
    {
        var store = new ContentStore();
        Descriptor root = store.Manifest(ContentStore.Blob("c", MediaTypes.OciConfig), []);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new ImageGraphBuilder(store.FetchAsync).BuildAsync(root, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task BuildAsync_IndexChildren_AreFetchedConcurrentlyUpToTheLimit()
    {
        var store = new ContentStore();
        Descriptor[] children = [.. Enumerable.Range(0, 6).Select(i => store.Manifest(ContentStore.Blob($"c{i}", MediaTypes.OciConfig), []))];
        Descriptor index = store.Index(children);
        int inFlight = 0, maxInFlight = 0;
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async ValueTask<ReadOnlyMemory<byte>> Fetch(Descriptor d, CancellationToken ct)
        {
            if (d.Digest == index.Digest)
            {
                return await store.FetchAsync(d, ct);
            }

            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (now == 2)
            {
                bothStarted.TrySetResult();
            }

            // The first two fetches only complete once both are running: a builder fetching one at a time would stall here.
            await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            Interlocked.Decrement(ref inFlight);
            return await store.FetchAsync(d, ct);
        }

        ImageGraph graph = await new ImageGraphBuilder(Fetch, new ImageGraphLimits { MaxConcurrentFetches = 2 }).BuildAsync(index);

        Assert.Equal(2, maxInFlight);
        Assert.Equal([.. children.Select(c => c.Digest), index.Digest], graph.Manifests.Select(m => m.Digest));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
