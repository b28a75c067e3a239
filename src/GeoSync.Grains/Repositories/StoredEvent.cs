using System.Text.Json;
using GeoSync.Domain.Events;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The inbox payload of one event: <c>{"traceparent": "...", "events": [ &lt;the event as received&gt; ]}</c> — a
/// valid one-event notification envelope, so the grain reads it with the same parser as the intake.
/// </summary>
public static class StoredEvent
{
    /// <summary>The stored form of one event as received, with the trace context of its intake.</summary>
    public static string Serialize(JsonElement registryEvent, string? traceParent)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (traceParent is not null)
            {
                writer.WriteString("traceparent", traceParent);
            }

            writer.WritePropertyName("events");
            writer.WriteStartArray();
            registryEvent.WriteTo(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The stored event(s) and the trace context stored with them, from one parse; throws
    /// <see cref="NotificationFormatException"/> when the payload is not an envelope.
    /// </summary>
    public static (IReadOnlyList<RegistryEvent> Events, string? TraceParent) Read(string payload)
    {
        using JsonDocument document = NotificationEnvelope.ParseDocument(System.Text.Encoding.UTF8.GetBytes(payload));
        JsonElement root = document.RootElement;
        string? traceParent = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("traceparent", out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        return (NotificationEnvelope.Parse(root), traceParent);
    }
}
