using System.Text.Json;

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

    /// <summary>The trace context stored with an event, when there is one.</summary>
    public static string? TraceParent(string payload)
    {
        using JsonDocument document = JsonDocument.Parse(payload);
        return document.RootElement.TryGetProperty("traceparent", out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }
}
