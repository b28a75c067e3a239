using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Events;
using GeoSync.Testing;

namespace GeoSync.Domain.Tests.Events;

/// <summary>The envelope parser, classification and image graph against what a real distribution 2.8 registry sends and stores.</summary>
public sealed class RealRegistryNotificationsTests(RealRegistryNotificationsFixture registry) : IClassFixture<RealRegistryNotificationsFixture>
{
    [Fact]
    public void Parse_EveryPostOfARealRegistry_IsASupportedEnvelopeOfOneEvent()
    {
        var posts = registry.Posts;

        Assert.NotEmpty(posts);
        Assert.All(posts, p => Assert.True(NotificationEnvelope.IsSupportedContentType(p.Post.ContentType), p.Post.ContentType));
        Assert.All(posts, p => Assert.Single(p.Events));
    }

    [Fact]
    public void Kind_PushOfAnIndex_BlobsAreBlobPushesChildrenUntaggedManifestPushesIndexTagged()
    {
        RegistryEvent[] app = [.. registry.Events.Where(e => e.Target.Repository.Value == "team/app")];
        RegistryEvent[] blobPushes = [.. app.Where(e => e.Kind == RegistryEventKind.BlobPush)];
        RegistryEvent[] manifestPushes = [.. app.Where(e => e.Kind == RegistryEventKind.ManifestPush)];

        // Two configs and three layers (the base layer is shared), each pushed once, as octet-stream.
        Assert.Equal(5, blobPushes.Select(e => e.Target.Digest).Distinct().Count());
        Assert.All(blobPushes, e => Assert.Equal(MediaTypes.OctetStream, e.Target.MediaType));
        Assert.All(blobPushes, e => Assert.False(e.NeedsReplication));

        RegistryEvent index = Assert.Single(manifestPushes, e => e.Target.Tag is not null);
        Assert.Equal(registry.IndexDigest, index.Target.Digest);
        Assert.Equal(MediaTypes.OciIndex, index.Target.MediaType);
        Assert.Equal("v1", index.Target.Tag?.Value);
        RegistryEvent[] children = [.. manifestPushes.Where(e => e.Target.Tag is null)];
        Assert.Equal(2, children.Length);
        Assert.All(children, e => Assert.Equal(MediaTypes.OciManifest, e.Target.MediaType));
        Assert.All(manifestPushes, e => Assert.True(e.NeedsReplication));
        Assert.All(app.Where(e => e.Kind == RegistryEventKind.Pull), e => Assert.Contains(e.Request.Method, new[] { "GET", "HEAD" }));
        Assert.All(app, e => Assert.Contains(e.Kind, new[] { RegistryEventKind.BlobPush, RegistryEventKind.ManifestPush, RegistryEventKind.Pull, RegistryEventKind.ManifestDelete, RegistryEventKind.TagDelete }));
    }

    [Fact]
    public async Task BuildAsync_IndexFromRegistryStorage_HoldsExactlyWhatTheRegistryReportedPushed()
    {
        RegistryEvent[] app = [.. registry.Events.Where(e => e.Target.Repository.Value == "team/app" && e.Kind is RegistryEventKind.BlobPush or RegistryEventKind.ManifestPush)];
        RegistryEvent indexPush = app.Single(e => e.Target.Tag?.Value == "v1");

        ImageGraph graph = await new ImageGraphBuilder(registry.FetchFromStorageAsync).BuildAsync(indexPush.Target.AsDescriptor()!);

        Assert.Equal(app.Select(e => e.Target.Digest!.Value).ToHashSet(), graph.Nodes.Select(n => n.Digest).ToHashSet());
        Assert.Equal(graph.Nodes.Count, graph.Nodes.Select(n => n.Digest).Distinct().Count());
        Assert.Equal(["linux/amd64", "linux/arm64/v8"], graph.Platforms.Select(p => p.ToString()));
        Assert.Equal(ImageGraphNodeKind.Index, graph.Root.Kind);
        Assert.Equal(app.Where(e => e.Kind == RegistryEventKind.BlobPush).DistinctBy(e => e.Target.Digest).Sum(e => e.Target.Size)
            + app.Where(e => e.Kind == RegistryEventKind.ManifestPush).DistinctBy(e => e.Target.Digest).Sum(e => e.Target.Size), graph.TotalSize);
    }

    [Fact]
    public async Task BuildAsync_DockerSchema2FromRegistryStorage_ParsesConfigAndLayers()
    {
        RegistryEvent push = registry.Events.Single(e => e.Target.Repository.Value == "team/docker" && e.Kind == RegistryEventKind.ManifestPush);

        ImageGraph graph = await new ImageGraphBuilder(registry.FetchFromStorageAsync).BuildAsync(push.Target.AsDescriptor()!);

        Assert.Equal(MediaTypes.DockerManifest, push.Target.MediaType);
        Assert.Equal(ManifestKind.DockerManifest, graph.Root.Document!.Kind);
        Assert.Equal(MediaTypes.DockerConfig, graph.Blobs[0].Descriptor.MediaType);
        Assert.Equal([ImageGraphNodeKind.Config, ImageGraphNodeKind.Layer, ImageGraphNodeKind.Layer, ImageGraphNodeKind.Manifest], graph.Nodes.Select(n => n.Kind));
    }

    [Fact]
    public async Task Kind_DeleteByDigestOnARealRegistry_IsAManifestDeleteThenATagDelete()
    {
        using var http = new HttpClient();
        RegistryEvent push = registry.Events.Single(e => e.Target.Repository.Value == "team/docker" && e.Kind == RegistryEventKind.ManifestPush);
        using HttpResponseMessage response = await http.DeleteAsync(new Uri(registry.Registry.BaseUri, $"v2/team/docker/manifests/{push.Target.Digest}"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        await Eventually.HoldsAsync(
            () => registry.Events.Count(e => e.Target.Repository.Value == "team/docker" && e.Action == "delete") >= 2,
            RealRegistryNotificationsFixture.Deadline,
            "the two delete events of team/docker@digest");

        RegistryEvent[] deletes = [.. registry.Events.Where(e => e.Target.Repository.Value == "team/docker" && e.Action == "delete")];
        RegistryEvent byDigest = Assert.Single(deletes, e => e.Kind == RegistryEventKind.ManifestDelete);
        RegistryEvent byTag = Assert.Single(deletes, e => e.Kind == RegistryEventKind.TagDelete);
        Assert.Equal(push.Target.Digest, byDigest.Target.Digest);
        Assert.Null(byDigest.Target.Tag);
        Assert.Equal("v1", byTag.Target.Tag?.Value);
        Assert.True(byDigest.NeedsReplication && byTag.NeedsReplication);
    }
}
