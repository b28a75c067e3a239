using System.Text.Json;
using GeoSync.Domain.Content;

namespace GeoSync.Host.Tests.Support;

/// <summary>Registry notification envelopes shaped as CNCF distribution 2.8 sends them.</summary>
public static class Envelopes
{
    public static string TagDelete(string repository, string tag, DateTimeOffset timestamp) =>
        One(new { id = Guid.NewGuid().ToString(), timestamp, action = "delete", target = new { repository, tag } });

    public static string ManifestDelete(string repository, Digest digest, DateTimeOffset timestamp) =>
        One(new { id = Guid.NewGuid().ToString(), timestamp, action = "delete", target = new { digest = digest.ToString(), repository } });

    public static string UntaggedPush(string repository, Descriptor manifest, DateTimeOffset timestamp) =>
        One(new
        {
            id = Guid.NewGuid().ToString(),
            timestamp,
            action = "push",
            target = new { mediaType = manifest.MediaType, digest = manifest.Digest.ToString(), size = manifest.Size, length = manifest.Size, repository },
        });

    public static string Pull(string repository, Descriptor manifest, DateTimeOffset timestamp) =>
        One(new
        {
            id = Guid.NewGuid().ToString(),
            timestamp,
            action = "pull",
            target = new { mediaType = manifest.MediaType, digest = manifest.Digest.ToString(), size = manifest.Size, repository, tag = "v1" },
        });

    private static string One(object e) => JsonSerializer.Serialize(new { events = new[] { e } });
}
