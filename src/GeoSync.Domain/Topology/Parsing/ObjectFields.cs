using System.Text.Json;
using GeoSync.Domain.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>The fields of one JSON object (already checked against its shape), read by name with their paths.</summary>
internal sealed class ObjectFields(TopologyReader reader, string path, IReadOnlyDictionary<string, JsonElement> fields)
{
    public TopologyReader Reader { get; } = reader;

    public string Path { get; } = path;

    public bool Has(string name) => fields.ContainsKey(name);

    public string PathOf(string name) => TopologyReader.Child(Path, name);

    /// <summary>The field's value, or null when absent (recording an error if <paramref name="required"/>).</summary>
    public JsonElement? Get(string name, bool required = false)
    {
        if (fields.TryGetValue(name, out JsonElement value))
        {
            return value;
        }

        if (required)
        {
            Reader.Error(PathOf(name), JsonFields.JsonPath.Missing);
        }

        return null;
    }

    /// <summary>Reads a field with an element reader; null when absent or invalid.</summary>
    public T? Read<T>(string name, Func<JsonElement, string, T?> read, bool required = false)
        where T : class =>
        Get(name, required) is { } element ? read(element, PathOf(name)) : null;

    /// <summary>Reads a value-typed field with an element reader; null when absent or invalid.</summary>
    public T? ReadValue<T>(string name, Func<JsonElement, string, T?> read, bool required = false)
        where T : struct =>
        Get(name, required) is { } element ? read(element, PathOf(name)) : null;

    public string? String(string name, bool required = false) => Read(name, Reader.String, required);

    public bool? Boolean(string name) => ReadValue(name, Reader.Boolean);

    public decimal? NonNegativeNumber(string name) => ReadValue(name, Reader.NonNegativeNumber);

    public TimeSpan? Duration(string name) => ReadValue(name, Reader.Duration);

    public SecretReference? Secret(string name, bool required = false) => ReadValue(name, Reader.Secret, required);

    public Uri? HttpUrl(string name, bool required = false) => Read(name, Reader.HttpUrl, required);

    public int? Int32(string name, int minimum, bool required = false) =>
        (int?)ReadValue(name, (e, p) => Reader.Integer(e, p, minimum, int.MaxValue), required);

    public long? Int64(string name, long minimum, bool required = false) =>
        ReadValue(name, (e, p) => Reader.Integer(e, p, minimum), required);

    public ObjectFields? Object(string name, ObjectShape shape, bool required = false) =>
        Read(name, (e, p) => Reader.Object(e, p, shape), required);

    public IReadOnlyList<T>? List<T>(string name, Func<JsonElement, string, T?> read, bool required = false, bool allowEmpty = true)
        where T : class =>
        Read(name, (e, p) => Reader.List(e, p, read, allowEmpty), required);
}
