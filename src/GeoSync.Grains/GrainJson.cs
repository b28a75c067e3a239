using System.Text.Json;
using System.Text.Json.Serialization;
using GeoSync.Domain.Content;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

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

    /// <summary>Gives <paramref name="target"/> the same naming and converters (for serializers that own their options).</summary>
    public static void CopyTo(JsonSerializerOptions target)
    {
        target.PropertyNamingPolicy = Options.PropertyNamingPolicy;
        target.PropertyNameCaseInsensitive = Options.PropertyNameCaseInsensitive;
        target.NumberHandling = Options.NumberHandling;
        foreach (JsonConverter converter in Options.Converters)
        {
            target.Converters.Add(converter);
        }
    }

    /// <summary>
    /// GeoSync's own types (domain records, grain messages and state), serialized with <see cref="Options"/>. Not its
    /// exceptions: Orleans carries those itself (JSON cannot write an exception's stack and target site).
    /// </summary>
    public static bool Covers(Type type) =>
        type.Namespace?.StartsWith("GeoSync.", StringComparison.Ordinal) == true && !typeof(Exception).IsAssignableFrom(type);

    /// <summary>
    /// How GeoSync's types cross silos: records as JSON (<see cref="Covers"/>), and GeoSync's and Npgsql's exceptions (a
    /// store's or the database's failure reaching a caller on another node) by Orleans' exception serializer.
    /// </summary>
    public static IServiceCollection AddGeoSyncSerializer(this IServiceCollection services)
    {
        services.AddSerializer(s => s.AddJsonSerializer(Covers, Options));
        services.Configure<ExceptionSerializationOptions>(o =>
        {
            o.SupportedNamespacePrefixes.Add("GeoSync");
            // A database failure on one node reaching a caller on another.
            o.SupportedNamespacePrefixes.Add("Npgsql");
        });
        return services;
    }
}
