using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using static GeoSync.Domain.Tests.Events.EnvelopeFixtures;

namespace GeoSync.Domain.Tests.Events;

public sealed class NotificationEnvelopeTests
{
    /// <summary>An envelope of one event and what it must classify as.</summary>
    public sealed record Classification(string Json, RegistryEventKind Kind, bool NeedsReplication, string? Tag, string? Digest, string? Method);

    private static readonly Dictionary<string, Classification> Kinds = new()
    {
        ["tagged manifest push with references"] = new(ManifestPushWithReferences, RegistryEventKind.ManifestPush, true, "v1.2.3", ManifestDigest, "PUT"),
        ["index child pushed by digest, no tag"] = new(ChildManifestPush, RegistryEventKind.ManifestPush, true, null, ManifestDigest, "PUT"),
        ["index pushed by tag"] = new(IndexPush, RegistryEventKind.ManifestPush, true, "latest", IndexDigest, "PUT"),
        ["blob push (octet-stream)"] = new(BlobPush, RegistryEventKind.BlobPush, false, null, LayerDigest, "PUT"),
        ["manifest pull"] = new(ManifestPull, RegistryEventKind.Pull, false, "v1.2.3", ManifestDigest, "GET"),
        ["blob HEAD check"] = new(BlobHead, RegistryEventKind.Pull, false, null, LayerDigest, "HEAD"),
        ["blob mount"] = new(Mount, RegistryEventKind.Mount, false, null, LayerDigest, "POST"),
        ["delete by digest"] = new(ManifestDelete, RegistryEventKind.ManifestDelete, true, null, ManifestDigest, "DELETE"),
        ["tag delete"] = new(TagDelete, RegistryEventKind.TagDelete, true, "v1.2.3", null, "DELETE"),
        ["unknown action"] = new(UnknownAction, RegistryEventKind.Ignored, false, null, ManifestDigest, null),
        ["push of an unregistered manifest type, known by its URL"] = new(
            ChildManifestPush.Replace(MediaTypes.DockerManifest, "application/vnd.example.bundle.v1+json", StringComparison.Ordinal),
            RegistryEventKind.ManifestPush, true, null, ManifestDigest, "PUT"),
        ["push of an OCI artifact manifest (1.1 rc)"] = new(
            IndexPush.Replace(MediaTypes.OciIndex, MediaTypes.OciArtifactManifest, StringComparison.Ordinal).Replace("/manifests/", "/x/", StringComparison.Ordinal),
            RegistryEventKind.ManifestPush, true, "latest", IndexDigest, "PUT"),
    };

    public static TheoryData<string> KindNames => new(Kinds.Keys);

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Parse_EventOfEachKind_ClassifiesIt(string name)
    {
        Classification expected = Kinds[name];

        RegistryEvent e = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(expected.Json)));

        Assert.Equal(expected.Kind, e.Kind);
        Assert.Equal(expected.NeedsReplication, e.NeedsReplication);
        Assert.Equal(expected.Tag, e.Target.Tag?.Value);
        Assert.Equal(expected.Digest, e.Target.Digest?.ToString());
        Assert.Equal(expected.Method, e.Request.Method);
        Assert.Equal(RepositoryName.Parse(name == "blob mount" ? "team/other" : "team/app"), e.Target.Repository);
    }

    [Fact]
    public void Parse_DesignEnvelope_ReadsEveryField()
    {
        RegistryEvent e = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(ManifestPushWithReferences)));

        Assert.Equal("320678d8-ca14-430f-8bb6-4ca139cd83f7", e.Id);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.FromHours(-7)).AddTicks(4029739), e.Timestamp);
        Assert.Equal("push", e.Action);
        Assert.Equal(MediaTypes.OciManifest, e.Target.MediaType);
        Assert.Equal(708, e.Target.Size);
        Assert.Equal(708, e.Target.Length);
        Assert.Equal("http://registry-eu.example.com:5000/v2/team/app/manifests/" + ManifestDigest, e.Target.Url);
        Assert.Null(e.Target.FromRepository);
        Assert.Equal(
            [new Descriptor(MediaTypes.OciConfig, Digest.Parse(ConfigDigest), 1469), new Descriptor(MediaTypes.OciLayerTarGzip, Digest.Parse(LayerDigest), 2479)],
            e.Target.References);
        Assert.Equal(new RegistryEventRequest("6df24a34-0959-4923-81ca-14f09767db19", "10.20.0.7:42961", "registry-eu.example.com:5000", "PUT", "skopeo/1.9.3"), e.Request);
        Assert.Equal("ci-bot", e.Actor.Name);
        Assert.Equal(new RegistryEventSource("registry-eu-0:5000", "a53db899-3b4b-4a62-a067-8dd013beaca4"), e.Source);
        Assert.Equal(new Descriptor(MediaTypes.OciManifest, Digest.Parse(ManifestDigest), 708), e.Target.AsDescriptor());
    }

    [Fact]
    public void Parse_MountEvent_ReadsFromRepository()
    {
        RegistryEvent e = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(Mount)));

        Assert.Equal(RepositoryName.Parse("team/app"), e.Target.FromRepository);
    }

    [Fact]
    public void Parse_DeleteByDigest_HasNoMediaTypeSizeOrDescriptor()
    {
        RegistryEvent e = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(ManifestDelete)));

        Assert.Null(e.Target.MediaType);
        Assert.Equal(0, e.Target.Size);
        Assert.Null(e.Target.AsDescriptor());
        Assert.Empty(e.Target.References);
    }

    [Fact]
    public void Parse_V2EnvelopeWithTwoEvents_KeepsOrderAndOffsets()
    {
        IReadOnlyList<RegistryEvent> events = NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(V2EnvelopeWithTwoEvents));

        Assert.Equal([RegistryEventKind.ManifestPush, RegistryEventKind.Pull], events.Select(e => e.Kind));
        Assert.Equal(new DateTimeOffset(2025, 2, 3, 7, 15, 30, 500, TimeSpan.Zero), events[0].Timestamp.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(1), events[1].Timestamp.Offset);
        Assert.True(events[0].Timestamp < events[1].Timestamp);
    }

    [Fact]
    public void Parse_EmptyEventsArray_GivesNoEvents()
    {
        Assert.Empty(NotificationEnvelope.Parse("""{"events":[]}"""u8));
    }

    [Fact]
    public void Parse_NanosecondTimestamps_OrderLikeTheRegistry()
    {
        // Pushes within one second must keep their order: the tag's winner is decided by these timestamps.
        RegistryEvent blob = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(BlobPush)));
        RegistryEvent child = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(ChildManifestPush)));
        RegistryEvent index = Assert.Single(NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(IndexPush)));

        Assert.True(blob.Timestamp < child.Timestamp && child.Timestamp < index.Timestamp);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 9, 59, 59, TimeSpan.Zero).AddTicks(9999999), blob.Timestamp);
    }

    public static TheoryData<string?, bool> ContentTypes => new()
    {
        { NotificationEnvelope.MediaTypeV1, true },
        { NotificationEnvelope.MediaTypeV2, true },
        { "application/vnd.docker.distribution.events.v1+json; charset=utf-8", true },
        { "  application/vnd.docker.distribution.events.v2+json ;charset=UTF-8", true },
        { "Application/VND.Docker.Distribution.Events.V1+JSON", true },
        { "application/json", false },
        { "application/vnd.docker.distribution.events.v3+json", false },
        { "", false },
        { null, false },
    };

    [Theory]
    [MemberData(nameof(ContentTypes))]
    public void IsSupportedContentType_ContentType_AcceptsOnlyEnvelopeTypes(string? contentType, bool supported)
    {
        Assert.Equal(supported, NotificationEnvelope.IsSupportedContentType(contentType));
    }
}
