using System.Text.Json;

namespace GeoSync.Domain.Json;

/// <summary>
/// Typed reads of JSON values, shared by the domain's parsers: each returns the value or throws a
/// <see cref="JsonFieldError"/> naming the field's path and what is wrong with it. Two instances word paths and
/// reasons as their documents' users already read them: <see cref="Registry"/> for manifests and registry
/// notifications, <see cref="JsonPath"/> for topology files.
/// </summary>
internal sealed class JsonFields
{
    /// <summary>The path of the document itself.</summary>
    public const string Root = "$";

    /// <summary>Why a string, list or object with nothing in it is refused.</summary>
    public const string Empty = "must not be empty";

    private readonly bool jsonPath;

    private JsonFields(bool jsonPath) => this.jsonPath = jsonPath;

    /// <summary>As Go's encoding/json and distribution name fields: <c>layers[0].size: must be an integer, found a string</c>.</summary>
    public static JsonFields Registry { get; } = new(jsonPath: false);

    /// <summary>JSONPath: <c>$.regions[0].priority: expected an integer, found the number 1.5</c>.</summary>
    public static JsonFields JsonPath { get; } = new(jsonPath: true);

    /// <summary>Why a required field is refused when it is not there.</summary>
    public string Missing => jsonPath ? "required field is missing" : "is required";

    /// <summary>
    /// The path of a property: <c>a.b</c>, or a bracketed name when it is not a plain identifier (<c>a["x.y"]</c>
    /// in registry style, <c>$['x y']</c> in JSONPath, where the root is written too).
    /// </summary>
    public string Child(string path, string name)
    {
        if (jsonPath)
        {
            bool identifier = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') &&
                name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
            return identifier ? $"{path}.{name}" : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
        }

        bool plain = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        return plain
            ? (path == Root ? name : $"{path}.{name}")
            : $"{(path == Root ? string.Empty : path)}[{JsonSerializer.Serialize(name)}]";
    }

    /// <summary>The path of an array item: <c>a[3]</c>.</summary>
    public static string Item(string path, int index) => $"{path}[{index}]";

    /// <summary>The error for a value of the wrong JSON type.</summary>
    public JsonFieldError WrongType(string path, string expected, JsonElement found) => new(path, Expected(expected, Describe(found)));

    /// <summary>Requires <paramref name="element"/> to be an object.</summary>
    public void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(path, "an object", element);
        }
    }

    /// <summary>The items of an array, each with its path.</summary>
    public IReadOnlyList<(JsonElement Element, string Path)> Items(JsonElement element, string path, bool allowEmpty = true)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(path, "an array", element);
        }

        (JsonElement, string)[] items = [.. element.EnumerateArray().Select((item, i) => (item, Item(path, i)))];
        return allowEmpty || items.Length > 0 ? items : throw new JsonFieldError(path, Empty);
    }

    /// <summary>A string (empty or not).</summary>
    public string String(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw WrongType(path, "a string", element);

    /// <summary>An integer from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public long Integer(JsonElement element, string path, long minimum = long.MinValue, long maximum = long.MaxValue) =>
        IntegerProblem(element, minimum, maximum, out long value) is { } reason ? throw new JsonFieldError(path, reason) : value;

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool Boolean(JsonElement element, string path) =>
        element.ValueKind is JsonValueKind.True or JsonValueKind.False ? element.GetBoolean() : throw WrongType(path, "true or false", element);

    /// <summary>
    /// The property, or null when absent. A JSON <c>null</c> counts as absent, as in Go's encoding/json (and so in
    /// every registry's documents). The <c>Optional…</c> reads below follow this rule and build a path only for an error.
    /// </summary>
    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A string property, or null when absent.</summary>
    public string? OptionalString(JsonElement obj, string path, string name) => Optional(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString()!,
        { } value => throw WrongType(Child(path, name), "a string", value),
    };

    /// <summary>A non-empty string property.</summary>
    public string RequiredString(JsonElement obj, string path, string name)
    {
        string? value = OptionalString(obj, path, name);
        return string.IsNullOrEmpty(value) ? throw new JsonFieldError(Child(path, name), value is null ? Missing : Empty) : value;
    }

    /// <summary>An integer property of at least <paramref name="minimum"/>, or null when absent.</summary>
    public long? OptionalInteger(JsonElement obj, string path, string name, long minimum = long.MinValue)
    {
        if (Optional(obj, name) is not { } element)
        {
            return null;
        }

        return IntegerProblem(element, minimum, long.MaxValue, out long value) is { } reason ? throw new JsonFieldError(Child(path, name), reason) : value;
    }

    /// <summary>An object property, or null when absent.</summary>
    public JsonElement? OptionalObject(JsonElement obj, string path, string name) => OptionalOf(obj, path, name, JsonValueKind.Object, "an object");

    /// <summary>An array property, or null when absent.</summary>
    public JsonElement? OptionalArray(JsonElement obj, string path, string name) => OptionalOf(obj, path, name, JsonValueKind.Array, "an array");

    /// <summary>A string-to-string map (annotations, labels), or null when absent.</summary>
    public IReadOnlyDictionary<string, string>? OptionalStringMap(JsonElement obj, string path, string name)
    {
        if (OptionalObject(obj, path, name) is not { } map)
        {
            return null;
        }

        string mapPath = Child(path, name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in map.EnumerateObject())
        {
            // Duplicate keys: the last wins, as in Go's encoding/json and JsonElement.GetProperty.
            result[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw WrongType(Child(mapPath, entry.Name), "a string", entry.Value);
        }

        return result.AsReadOnly();
    }

    /// <summary>An array of strings, or null when absent.</summary>
    public IReadOnlyList<string>? OptionalStringArray(JsonElement obj, string path, string name)
    {
        if (OptionalArray(obj, path, name) is not { } array)
        {
            return null;
        }

        string arrayPath = Child(path, name);
        var result = new List<string>(array.GetArrayLength());
        foreach (JsonElement item in array.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongType(Item(arrayPath, result.Count), "a string", item));
        }

        return result.AsReadOnly();
    }

    private JsonElement? OptionalOf(JsonElement obj, string path, string name, JsonValueKind kind, string expected)
    {
        JsonElement? value = Optional(obj, name);
        return value is { } found && found.ValueKind != kind ? throw WrongType(Child(path, name), expected, found) : value;
    }

    /// <summary>Null when <paramref name="element"/> is an integer in range (then in <paramref name="value"/>); else why not.</summary>
    private string? IntegerProblem(JsonElement element, long minimum, long maximum, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
        {
            return Expected("an integer", Describe(element));
        }

        if (!element.TryGetInt64(out value))
        {
            // A fraction or a number past 64 bits: registry style quotes the number itself.
            return Expected("an integer", jsonPath ? Describe(element) : element.GetRawText());
        }

        return value < minimum ? (minimum == 0 ? $"must not be negative, found {value}" : $"must be at least {minimum}, found {value}")
            : value > maximum ? $"must be at most {maximum}, found {value}"
            : null;
    }

    private string Expected(string expected, string found) => jsonPath ? $"expected {expected}, found {found}" : $"must be {expected}, found {found}";

    private string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => jsonPath ? $"the number {element.GetRawText()}" : "a number",
        JsonValueKind.True or JsonValueKind.False => jsonPath ? $"the boolean {element.GetRawText()}" : "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
