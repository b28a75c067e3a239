using System.Text.Json;
using System.Text.Json.Serialization;

namespace GeoSync.Domain.Content;

/// <summary>Reads and writes a <see cref="Digest"/> as its canonical string, <c>sha256:&lt;hex&gt;</c>.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    /// <inheritdoc />
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? value = reader.GetString();
        return Digest.TryParse(value, out Digest digest, out string? error) ? digest : throw new JsonException(error);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    /// <inheritdoc />
    public override Digest ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options);

    /// <inheritdoc />
    public override void WriteAsPropertyName(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString());
}
