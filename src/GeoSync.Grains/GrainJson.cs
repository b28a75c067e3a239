using System.Text.Json;
using System.Text.Json.Serialization;
using GeoSync.Domain.Content;

namespace GeoSync.Grains;

/// <summary>
/// How GeoSync's types are written as JSON when they are grain state or cross a grain interface between silos:
/// readable, with digests as <c>sha256:…</c> and enums by name. The domain stays free of Orleans attributes.
/// </summary>
public static class GrainJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(), new DigestJsonConverter() },
    };

    /// <summary>GeoSync's own types (domain records, grain messages and state), serialized with <see cref="Options"/>.</summary>
    public static bool Covers(Type type) => type.Namespace?.StartsWith("GeoSync.", StringComparison.Ordinal) == true;
}
