using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using GeoSync.Domain.Events;

namespace GeoSync.Domain.Events;

/// <summary>
/// The inbox payload of one event: <c>{"traceparent": "...", "events": [ &lt;the event as received&gt; ]}</c> — a
/// valid one-event notification envelope, so the grain reads it with the same parser as the intake.
/// </summary>
public static class StoredEvent
{
    private const int MaxKeptScratchBytes = 64 * 1024;

    // One writer per thread, reset for each event: serializing allocates nothing but the resulting string.
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _scratch;

    /// <summary>The stored form of one event as received, with the trace context of its intake.</summary>
    public static string Serialize(JsonElement registryEvent, string? traceParent)
    {
        (ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer) = _scratch ??= NewScratch();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        if (traceParent is not null)
        {
            writer.WriteString("traceparent", traceParent);
        }

        writer.WritePropertyName("events");
        writer.WriteStartArray();
        // The event's bytes exactly as they came (the parser has validated them), not written again token by token.
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(registryEvent), skipInputValidation: true);
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        string stored = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > MaxKeptScratchBytes)
        {
            // A rare large event: do not keep its buffer on this thread for good.
            _scratch = null;
        }

        return stored;
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewScratch()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        return (buffer, new Utf8JsonWriter(buffer));
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
