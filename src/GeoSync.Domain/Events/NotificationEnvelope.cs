using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Json;
using GeoSync.Domain.Json;
using GeoSync.Domain.Names;

namespace GeoSync.Domain.Events;

/// <summary>
/// The body of a registry notification: <c>{"events": [ ... ]}</c> (CNCF distribution, "Work with notifications").
/// </summary>
/// <remarks>
/// Every event must carry an <c>id</c>, an RFC 3339 <c>timestamp</c> with its offset, an <c>action</c> and a
/// <c>target</c> naming a valid repository; digests, tags and references must be valid when present. A push or mount
/// must name a digest, a delete a digest or a tag. Unknown actions and unknown fields are accepted (as
/// <see cref="RegistryEventKind.Ignored"/>), so a newer registry never wedges its notification queue on GeoSync.
/// </remarks>
public static partial class NotificationEnvelope
{
    private static readonly JsonFields Fields = JsonFields.Registry;

    /// <summary>The envelope media type of distribution 2.x.</summary>
    public const string MediaTypeV1 = "application/vnd.docker.distribution.events.v1+json";

    /// <summary>The envelope media type of distribution 3.x.</summary>
    public const string MediaTypeV2 = "application/vnd.docker.distribution.events.v2+json";

    /// <summary>True for a <c>Content-Type</c> naming either envelope version; parameters such as charset are ignored.</summary>
    public static bool IsSupportedContentType(string? contentType)
    {
        string? mediaType = MediaTypes.WithoutParameters(contentType);
        return string.Equals(mediaType, MediaTypeV1, StringComparison.OrdinalIgnoreCase)
            || string.Equals(mediaType, MediaTypeV2, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses an envelope; throws <see cref="NotificationFormatException"/> naming the wrong field.</summary>
    public static IReadOnlyList<RegistryEvent> Parse(ReadOnlySpan<byte> json)
    {
        using JsonDocument document = ParseDocument(json);
        return Parse(document.RootElement);
    }

    /// <summary>
    /// The JSON document of an envelope (UTF-8, size and depth checked), for a caller that reads the envelope with
    /// <see cref="Parse(JsonElement)"/> and keeps the document; throws <see cref="NotificationFormatException"/>.
    /// </summary>
    public static JsonDocument ParseDocument(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonText.Parse(json);
        }
        catch (JsonFieldError e)
        {
            throw new NotificationFormatException(e.Field, e.Reason);
        }
    }

    /// <summary>
    /// Reads the envelope at <paramref name="root"/> of a document the caller parsed (and keeps, for instance to
    /// store each event as it came); throws <see cref="NotificationFormatException"/> naming the wrong field.
    /// </summary>
    public static IReadOnlyList<RegistryEvent> Parse(JsonElement root)
    {
        try
        {
            Fields.RequireObject(root, JsonFields.Root);
            JsonElement events = Fields.OptionalArray(root, JsonFields.Root, "events")
                ?? throw new JsonFieldError("events", "is required: an envelope is an object with an 'events' array");

            var result = new List<RegistryEvent>(events.GetArrayLength());
            int i = 0;
            foreach (JsonElement item in events.EnumerateArray())
            {
                result.Add(ReadEvent(item, JsonFields.Item("events", i)));
                i++;
            }

            return result.AsReadOnly();
        }
        catch (JsonFieldError e)
        {
            throw new NotificationFormatException(e.Field, e.Reason);
        }
    }

    private static RegistryEvent ReadEvent(JsonElement item, string path)
    {
        Fields.RequireObject(item, path);
        string id = Fields.RequiredString(item, path, "id");
        DateTimeOffset timestamp = ReadTimestamp(item, path);
        string action = Fields.RequiredString(item, path, "action");
        JsonElement target = Fields.OptionalObject(item, path, "target")
            ?? throw new JsonFieldError(Fields.Child(path, "target"), Fields.Missing);

        string targetPath = Fields.Child(path, "target");
        RegistryEventTarget eventTarget = ReadTarget(target, targetPath);
        CheckTargetFor(action, eventTarget, targetPath);

        JsonElement? request = Fields.OptionalObject(item, path, "request");
        JsonElement? actor = Fields.OptionalObject(item, path, "actor");
        JsonElement? source = Fields.OptionalObject(item, path, "source");
        string requestPath = Fields.Child(path, "request");
        string sourcePath = Fields.Child(path, "source");
        return new RegistryEvent(id, timestamp, action, eventTarget)
        {
            Request = request is not { } r ? RegistryEventRequest.None : new RegistryEventRequest(
                Fields.OptionalString(r, requestPath, "id"),
                Fields.OptionalString(r, requestPath, "addr"),
                Fields.OptionalString(r, requestPath, "host"),
                Fields.OptionalString(r, requestPath, "method"),
                Fields.OptionalString(r, requestPath, "useragent")),
            Actor = actor is not { } a ? RegistryEventActor.None
                : new RegistryEventActor(Fields.OptionalString(a, Fields.Child(path, "actor"), "name")),
            Source = source is not { } s ? RegistryEventSource.None : new RegistryEventSource(
                Fields.OptionalString(s, sourcePath, "addr"),
                Fields.OptionalString(s, sourcePath, "instanceID")),
        };
    }

    private static DateTimeOffset ReadTimestamp(JsonElement item, string path)
    {
        string text = Fields.RequiredString(item, path, "timestamp");

        // RFC 3339 with an explicit offset: without one the instant would depend on this machine's time zone.
        // Go sends up to nine fractional digits; .NET keeps seven (100 ns), which orders pushes just as well.
        Match match = Rfc3339().Match(text);
        if (!match.Success)
        {
            throw new JsonFieldError(Fields.Child(path, "timestamp"), $"'{Shorten(text)}' is not an RFC 3339 timestamp with an offset (e.g. 2024-05-01T10:00:00.123Z)");
        }

        string trimmed = match.Groups["fraction"].Length > 8
            ? text.Remove(match.Groups["fraction"].Index + 8, match.Groups["fraction"].Length - 8)
            : text;
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset value)
            ? value
            : throw new JsonFieldError(Fields.Child(path, "timestamp"), $"'{Shorten(text)}' is not a valid date and time");
    }

    private static RegistryEventTarget ReadTarget(JsonElement target, string path)
    {
        string repositoryText = Fields.RequiredString(target, path, "repository");
        if (!RepositoryName.TryParse(repositoryText, out RepositoryName repository, out string? repositoryError))
        {
            throw new JsonFieldError(Fields.Child(path, "repository"), repositoryError);
        }

        string? tagText = Fields.OptionalString(target, path, "tag");
        Tag? tag = null;
        if (tagText is not null)
        {
            tag = Tag.TryParse(tagText, out Tag parsed, out string? tagError)
                ? parsed
                : throw new JsonFieldError(Fields.Child(path, "tag"), tagError);
        }

        string? fromText = Fields.OptionalString(target, path, "fromRepository");
        RepositoryName? from = null;
        if (fromText is not null)
        {
            from = RepositoryName.TryParse(fromText, out RepositoryName parsed, out string? fromError)
                ? parsed
                : throw new JsonFieldError(Fields.Child(path, "fromRepository"), fromError);
        }

        return new RegistryEventTarget(repository)
        {
            MediaType = Fields.OptionalString(target, path, "mediaType"),
            Digest = DescriptorJson.OptionalDigest(target, path, "digest"),
            Size = Fields.OptionalInteger(target, path, "size", minimum: 0) ?? 0,
            Length = Fields.OptionalInteger(target, path, "length", minimum: 0) ?? 0,
            Url = Fields.OptionalString(target, path, "url"),
            Tag = tag,
            FromRepository = from,
            References = DescriptorJson.ReadArray(target, path, "references") ?? [],
        };
    }

    private static void CheckTargetFor(string action, RegistryEventTarget target, string path)
    {
        switch (action)
        {
            case "push" or "mount" when target.Digest is null:
                throw new JsonFieldError(Fields.Child(path, "digest"), $"is required for a {action} event");
            case "delete" when target.Digest is null && target.Tag is null:
                throw new JsonFieldError(path, "a delete event must name a digest or a tag");
        }
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?<fraction>\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
