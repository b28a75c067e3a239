using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Domain.Events;

/// <summary>One event of a registry notification (CNCF distribution, <c>notifications/event.go</c>).</summary>
/// <param name="Id">The registry's unique id of the event.</param>
/// <param name="Timestamp">When the registry applied the action; orders pushes of one tag.</param>
/// <param name="Action">The action as sent: <c>push</c>, <c>pull</c>, <c>mount</c> or <c>delete</c>.</param>
/// <param name="Target">What the action applied to.</param>
public sealed record RegistryEvent(string Id, DateTimeOffset Timestamp, string Action, RegistryEventTarget Target)
{
    /// <summary>The request that caused the event.</summary>
    public RegistryEventRequest Request { get; init; } = RegistryEventRequest.None;

    /// <summary>Who made the request.</summary>
    public RegistryEventActor Actor { get; init; } = RegistryEventActor.None;

    /// <summary>The registry instance that sent the event.</summary>
    public RegistryEventSource Source { get; init; } = RegistryEventSource.None;

    /// <summary>What the event means for replication.</summary>
    public RegistryEventKind Kind => Classify(Action, Target);

    /// <summary>True for manifest pushes and deletes, the events replication acts on.</summary>
    public bool NeedsReplication => Kind is RegistryEventKind.ManifestPush or RegistryEventKind.ManifestDelete or RegistryEventKind.TagDelete;

    /// <summary>Classifies an action on a target (see <see cref="RegistryEventKind"/>).</summary>
    public static RegistryEventKind Classify(string action, RegistryEventTarget target) => action switch
    {
        // Blob pushes carry application/octet-stream; a manifest push carries its manifest type, or at least its URL
        // names the manifests endpoint.
        "push" => MediaTypes.IsRegistryManifest(target.MediaType) || IsManifestUrl(target.Url)
            ? RegistryEventKind.ManifestPush
            : RegistryEventKind.BlobPush,
        "pull" => RegistryEventKind.Pull,
        "mount" => RegistryEventKind.Mount,
        "delete" when target.Tag is not null => RegistryEventKind.TagDelete,
        "delete" when target.Digest is not null => RegistryEventKind.ManifestDelete,
        _ => RegistryEventKind.Ignored,
    };

    private static bool IsManifestUrl(string? url) =>
        url is not null && url.Contains("/manifests/", StringComparison.Ordinal);
}

/// <summary>The target of a registry event.</summary>
/// <param name="Repository">The repository the action applied to.</param>
public sealed record RegistryEventTarget(RepositoryName Repository)
{
    /// <summary>The media type of the content; absent on deletes.</summary>
    public string? MediaType { get; init; }

    /// <summary>The content's digest; absent on tag deletes.</summary>
    public Digest? Digest { get; init; }

    /// <summary>The content's size in bytes (0 when not sent).</summary>
    public long Size { get; init; }

    /// <summary>The content's length in bytes, the same as <see cref="Size"/> (0 when not sent).</summary>
    public long Length { get; init; }

    /// <summary>A URL of the content on the source registry, when sent.</summary>
    public string? Url { get; init; }

    /// <summary>The tag pushed or deleted; absent on pushes by digest.</summary>
    public Tag? Tag { get; init; }

    /// <summary>The repository a blob was mounted from, on mounts.</summary>
    public RepositoryName? FromRepository { get; init; }

    /// <summary>What a pushed manifest references (sent when the registry's notifications include references).</summary>
    public IReadOnlyList<Descriptor> References { get; init; } = [];

    /// <summary>The target as a descriptor, when it names a media type and a digest.</summary>
    public Descriptor? AsDescriptor() =>
        MediaType is not null && Digest is { } digest ? new Descriptor(MediaType, digest, Size) : null;
}

/// <summary>The HTTP request that caused an event.</summary>
/// <param name="Id">The registry's request id.</param>
/// <param name="Addr">The client's address.</param>
/// <param name="Host">The host the client addressed.</param>
/// <param name="Method">The HTTP method (<c>HEAD</c> checks arrive as pulls).</param>
/// <param name="UserAgent">The client's user agent.</param>
public sealed record RegistryEventRequest(string? Id, string? Addr, string? Host, string? Method, string? UserAgent)
{
    /// <summary>
    /// The user agent of GeoSync's own requests to a registry, so that the registry's notifications of GeoSync's
    /// writes come back recognisable as echoes.
    /// </summary>
    public const string GeoSyncUserAgent = "geosync";

    /// <summary>No request information.</summary>
    public static RegistryEventRequest None { get; } = new(null, null, null, null, null);

    /// <summary>True when GeoSync made the request: the event is the echo of its own write.</summary>
    public bool IsGeoSync => UserAgent is { } agent
        && (agent.Equals(GeoSyncUserAgent, StringComparison.OrdinalIgnoreCase) || agent.StartsWith(GeoSyncUserAgent + "/", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Who initiated an event.</summary>
/// <param name="Name">The authenticated user, when any.</param>
public sealed record RegistryEventActor(string? Name)
{
    /// <summary>No actor information.</summary>
    public static RegistryEventActor None { get; } = new((string?)null);
}

/// <summary>The registry instance that generated an event.</summary>
/// <param name="Addr">The registry's address.</param>
/// <param name="InstanceId">The registry process's instance id.</param>
public sealed record RegistryEventSource(string? Addr, string? InstanceId)
{
    /// <summary>No source information.</summary>
    public static RegistryEventSource None { get; } = new(null, null);
}
