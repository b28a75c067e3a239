using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using GeoSync.Domain.Events;
using GeoSync.Domain.Topology;
using GeoSync.Host.Hosting;
using GeoSync.Persistence;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi;
using GeoSync.Domain.Text;

namespace GeoSync.Host.Intake;

/// <summary>
/// <c>POST /v1/events</c>: registry notifications in, durable before <c>202</c>. The caller is authenticated by
/// its region's bearer token (the region is known from the token); the body is size-limited and validated whole
/// before anything is written, so a malformed request changes nothing. Pulls, blob pushes and mounts are
/// acknowledged and dropped; manifest pushes and deletes go to the inbox, then their repositories' grains are woken.
/// </summary>
public sealed partial class EventIntakeEndpoint(
    RegionTokens tokens,
    RegistryHosts hosts,
    IEventInbox inbox,
    RepositoryNotifier notifier,
    RegionTopology topology,
    TimeProvider time,
    ILogger<EventIntakeEndpoint> logger)
{
    /// <summary>The intake's trace source and meter name.</summary>
    public const string TelemetryName = "GeoSync.Intake";

    private static readonly ActivitySource ActivitySource = new(TelemetryName);
    private static readonly System.Diagnostics.Metrics.Meter Meter = new(TelemetryName);
    private static readonly System.Diagnostics.Metrics.Counter<long> EventsAccepted =
        Meter.CreateCounter<long>("geosync.events.accepted", "{event}", "Registry events committed to the inbox");

    private readonly ILogger _logger = logger;

    /// <summary>Maps <c>POST /v1/events</c> to the registered <see cref="EventIntakeEndpoint"/>.</summary>
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        // Metadata only: the handler reads the body itself, so no Accepts metadata (routing would match on it per request).
        endpoints.MapPost("/v1/events", (HttpContext http, EventIntakeEndpoint intake) => intake.AcceptAsync(http))
            .WithName("PostEvents")
            .WithTags("Intake")
            .WithSummary("Accepts registry notifications (CNCF distribution envelope); 202 once they are durable.")
            .WithDescription("The region is the one whose notification token the request carries. Pulls, blob pushes and mounts are acknowledged and dropped.")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new[] { NotificationEnvelope.MediaTypeV1, NotificationEnvelope.MediaTypeV2, "application/json" }
                        .ToDictionary(type => type, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } }),
                };
                return Task.CompletedTask;
            })
            .Produces<EventIntakeResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return endpoints;
    }

    private async Task<IResult> AcceptAsync(HttpContext http)
    {
        string? region = tokens.RegionOf(BearerToken.Read(http.Request));
        if (region is null)
        {
            return Problems.Unauthorized("a region's notification token is required as 'Authorization: Bearer <token>'");
        }

        string? contentType = http.Request.ContentType;
        if (!NotificationEnvelope.IsSupportedContentType(contentType) && !IsJson(contentType))
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Type '{contentType}' is not a registry notification envelope ({NotificationEnvelope.MediaTypeV1} or {NotificationEnvelope.MediaTypeV2})");
        }

        long limit = topology.Engine.MaxEventBodyBytes;
        if (await ReadLimitedAsync(http, limit).ConfigureAwait(false) is not { } body)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "Body too large", $"the request body exceeds {limit} bytes");
        }

        using Activity? activity = ActivitySource.StartActivity("events.accept", ActivityKind.Server);
        activity?.SetTag("geosync.region", region);
        // One parse: the events are read from the document, and each is stored from it exactly as it came.
        IReadOnlyList<RegistryEvent> events;
        List<InboxEvent> stored;
        try
        {
            JsonDocument document;
            try
            {
                document = NotificationEnvelope.ParseDocument(body.Span);
            }
            finally
            {
                // The document holds its own copy of the bytes.
                body.Dispose();
            }

            using (document)
            {
                events = NotificationEnvelope.Parse(document.RootElement);
                stored = ToInboxEvents(document.RootElement, events, region, time.GetUtcNow(), activity);
            }
        }
        catch (NotificationFormatException ex)
        {
            LogRejected(region, LogText.Escape(ex.Field), LogText.Escape(ex.Reason));
            return Problems.Create(StatusCodes.Status400BadRequest, "Malformed notification", ex.Message, new Dictionary<string, object?> { ["field"] = ex.Field });
        }

        if (hosts.FindForeign(events, region) is var (foreign, host, named))
        {
            // A registry sending another region's token would credit its pushes to that region: nothing is kept.
            LogForeign(region, LogText.Escape(foreign.Id), LogText.Escape(host), named);
            return Problems.Create(StatusCodes.Status403Forbidden, "Event from another region's registry",
                $"event '{foreign.Id}' came through '{host}', region '{named}''s registry, with region '{region}''s notification token; each registry must send its own region's token",
                new Dictionary<string, object?> { ["eventId"] = foreign.Id, ["host"] = host, ["region"] = named });
        }

        int added = stored.Count == 0 ? 0 : await inbox.AppendAsync(stored, http.RequestAborted).ConfigureAwait(false);
        EventsAccepted.Add(added, new KeyValuePair<string, object?>("region", region));
        foreach (string repository in stored.Select(e => e.Repository).Distinct(StringComparer.Ordinal))
        {
            notifier.Notify(repository);
        }

        return Results.Json(
            new EventIntakeResponse(added, stored.Count - added, events.Count - stored.Count),
            statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// One inbox row per event that needs replication, holding that event as a one-event envelope (exactly as it
    /// came, so nothing is lost in translation) plus the trace context to carry on.
    /// </summary>
    private static List<InboxEvent> ToInboxEvents(JsonElement envelope, IReadOnlyList<RegistryEvent> events, string region, DateTimeOffset now, Activity? activity)
    {
        var result = new List<InboxEvent>();
        JsonElement array = envelope.GetProperty("events");
        int index = 0;
        foreach (JsonElement element in array.EnumerateArray())
        {
            RegistryEvent registryEvent = events[index++];
            if (!registryEvent.NeedsReplication)
            {
                continue;
            }

            string payload = StoredEvent.Serialize(element, activity?.Id);
            result.Add(new InboxEvent(registryEvent.Id, region, registryEvent.Target.Repository.Value, payload, now));
        }

        return result;
    }

    /// <summary>
    /// The whole body in a pooled buffer (the caller disposes it), or null when it exceeds <paramref name="limit"/>.
    /// Read through the request's pipe: no copy but the one into the buffer, no chunk or growing stream per request.
    /// </summary>
    private static async Task<PooledBody?> ReadLimitedAsync(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        IHttpMaxRequestBodySizeFeature? sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit + 1;
        }

        PipeReader reader = http.Request.BodyReader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(http.RequestAborted).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }

                if (result.IsCompleted)
                {
                    var body = new PooledBody((int)buffer.Length);
                    buffer.CopyTo(body.Buffer);
                    reader.AdvanceTo(buffer.End);
                    return body;
                }

                // Nothing consumed yet: wait for more of the body.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    /// <summary>A request body in a buffer rented from the shared pool, returned on dispose.</summary>
    private sealed class PooledBody(int length) : IDisposable
    {
        public byte[] Buffer { get; } = ArrayPool<byte>.Shared.Rent(length);

        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a notification sent with `{Region}`'s token: event {EventId} came through `{Host}`, region `{Named}`'s registry")]
    private partial void LogForeign(string region, string eventId, string host, string named);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a notification from `{Region}`: {Field}: {Reason}")]
    private partial void LogRejected(string region, string field, string reason);
}

/// <summary>The intake's answer: how many events were new, duplicates of accepted ones, or not needed.</summary>
public sealed record EventIntakeResponse(int Accepted, int Duplicates, int Ignored);
