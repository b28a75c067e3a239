namespace GeoSync.Domain.Json;

/// <summary>
/// A field of a JSON document that is missing or wrong. Internal: <see cref="JsonFields"/> throws it; each public
/// parser turns it into its own <see cref="FormatException"/> (manifest or notification) at its boundary, and the
/// topology parser records it among the file's errors.
/// </summary>
internal sealed class JsonFieldError(string field, string reason) : Exception($"{field}: {reason}")
{
    /// <summary>The JSON path of the field, e.g. <c>layers[2].digest</c>; <c>$</c> for the document itself.</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it.</summary>
    public string Reason { get; } = reason;
}
