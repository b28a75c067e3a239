using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Persistence;

namespace GeoSync.Grains.Tests.Grains;

/// <summary>Manifest pushes and tag deletes committed into the inbox as the intake stores them: the event as received, as a one-event envelope.</summary>
internal static class InboxPushes
{
    /// <summary>A push of <paramref name="manifest"/> in <paramref name="region"/>, under <paramref name="tag"/> or untagged (by digest).</summary>
    public static async Task AppendAsync(GeoSyncDatabase database, string region, string repository, string? tag, Descriptor manifest)
    {
        var target = new Dictionary<string, object>
        {
            ["mediaType"] = manifest.MediaType,
            ["digest"] = manifest.Digest.ToString(),
            ["size"] = manifest.Size,
            ["length"] = manifest.Size,
            ["repository"] = repository,
        };
        if (tag is not null)
        {
            target["tag"] = tag;
        }

        await AppendAsync(database, region, repository, "push", target);
    }

    /// <summary>A delete of <paramref name="tag"/> in <paramref name="region"/>, as distribution notifies it.</summary>
    public static Task AppendTagDeleteAsync(GeoSyncDatabase database, string region, string repository, string tag) =>
        AppendAsync(database, region, repository, "delete", new Dictionary<string, object> { ["repository"] = repository, ["tag"] = tag });

    private static async Task AppendAsync(GeoSyncDatabase database, string region, string repository, string action, Dictionary<string, object> target)
    {
        string eventId = Guid.NewGuid().ToString();
        string envelope = JsonSerializer.Serialize(new
        {
            events = new[] { new { id = eventId, timestamp = DateTimeOffset.UtcNow, action, target, source = new { instanceID = "geosync" } } },
        });
        using JsonDocument document = JsonDocument.Parse(envelope);
        string payload = StoredEvent.Serialize(document.RootElement.GetProperty("events")[0], traceParent: null);
        Assert.Equal(1, await database.Inbox.AppendAsync([new InboxEvent(eventId, region, repository, payload, DateTimeOffset.UtcNow)]));
    }
}
