using System.Collections.ObjectModel;
using System.Text.Json;

namespace GeoSync.Domain.Content.Json;

/// <summary>
/// Typed reads of JSON fields that report the JSON path and the reason when a field is missing or wrong, shared by
/// the manifest parser and the notification envelope parser.
/// </summary>
internal static class JsonFields
{
    /// <summary>The path of the document itself.</summary>
    public const string Root = "$";

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

    private static readonly ReadOnlyDictionary<string, string> NoAnnotations = new(new Dictionary<string, string>());

    /// <summary>
    /// Null when every string and property name of the (well-formed) document <paramref name="utf8"/> decodes to valid
    /// UTF-16; else why not. A <c>\uD800</c> escape without its pair passes the reader but throws when the string
    /// is read, so it is refused here, before any field is read.
    /// </summary>
    public static string? LoneSurrogate(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOf("\\ud"u8) < 0 && utf8.IndexOf("\\uD"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        while (reader.Read())
        {
            if (reader is { TokenType: JsonTokenType.String or JsonTokenType.PropertyName, ValueIsEscaped: true })
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    return $"not JSON: the string at byte {reader.TokenStartIndex} escapes a lone UTF-16 surrogate";
                }
            }
        }

        return null;
    }

    /// <summary>Parses one complete JSON value; anything else (not UTF-8 JSON, trailing bytes) is a <c>$</c> error.</summary>
    public static JsonDocument Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            throw new JsonFieldError(Root, "not JSON: the document is empty");
        }

        // The reader checks string contents only when they are read; check up front so every path reports "not JSON".
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw new JsonFieldError(Root, "not JSON: the document is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonFieldError(Root, $"not JSON: unexpected content after the JSON value at byte {reader.TokenStartIndex}");
            }

            if (LoneSurrogate(utf8) is { } error)
            {
                throw new JsonFieldError(Root, error);
            }

            return document;
        }
        catch (JsonException e)
        {
            document?.Dispose();
            throw new JsonFieldError(Root, $"not JSON: {e.Message}");
        }
        catch
        {
            document?.Dispose();
            throw;
        }
    }

    /// <summary>The path of a property: <c>a.b</c>, or <c>a["x.y"]</c> when the name is not a plain identifier.</summary>
    public static string Child(string path, string name)
    {
        bool plain = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        if (!plain)
        {
            return $"{(path == Root ? string.Empty : path)}[{JsonSerializer.Serialize(name)}]";
        }

        return path == Root ? name : $"{path}.{name}";
    }

    /// <summary>The path of an array item: <c>a[3]</c>.</summary>
    public static string Item(string path, int index) => $"{path}[{index}]";

    /// <summary>Requires <paramref name="element"/> to be an object.</summary>
    public static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(path, "an object", element);
        }
    }

    /// <summary>The property, or null when absent. A JSON <c>null</c> counts as absent, as in Go's encoding/json.</summary>
    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A string property, or null when absent.</summary>
    public static string? OptionalString(JsonElement obj, string path, string name)
    {
        JsonElement? value = Optional(obj, name);
        if (value is null)
        {
            return null;
        }

        return value.Value.ValueKind == JsonValueKind.String
            ? value.Value.GetString()!
            : throw WrongType(Child(path, name), "a string", value.Value);
    }

    /// <summary>A non-empty string property.</summary>
    public static string RequiredString(JsonElement obj, string path, string name)
    {
        string? value = OptionalString(obj, path, name);
        if (string.IsNullOrEmpty(value))
        {
            throw new JsonFieldError(Child(path, name), value is null ? "is required" : "must not be empty");
        }

        return value;
    }

    /// <summary>An integer property, or null when absent.</summary>
    public static long? OptionalInt64(JsonElement obj, string path, string name)
    {
        JsonElement? value = Optional(obj, name);
        if (value is null)
        {
            return null;
        }

        if (value.Value.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(Child(path, name), "an integer", value.Value);
        }

        return value.Value.TryGetInt64(out long number)
            ? number
            : throw new JsonFieldError(Child(path, name), $"must be an integer, found {value.Value.GetRawText()}");
    }

    /// <summary>A non-negative size, or null when absent.</summary>
    public static long? OptionalSize(JsonElement obj, string path, string name)
    {
        long? size = OptionalInt64(obj, path, name);
        return size < 0 ? throw new JsonFieldError(Child(path, name), $"must not be negative, found {size}") : size;
    }

    /// <summary>A digest property, or null when absent.</summary>
    public static Digest? OptionalDigest(JsonElement obj, string path, string name)
    {
        string? text = OptionalString(obj, path, name);
        if (text is null)
        {
            return null;
        }

        return Digest.TryParse(text, out Digest digest, out string? error)
            ? digest
            : throw new JsonFieldError(Child(path, name), error);
    }

    /// <summary>An array property, or null when absent.</summary>
    public static JsonElement? OptionalArray(JsonElement obj, string path, string name)
    {
        JsonElement? value = Optional(obj, name);
        if (value is not null && value.Value.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(Child(path, name), "an array", value.Value);
        }

        return value;
    }

    /// <summary>An object property, or null when absent.</summary>
    public static JsonElement? OptionalObject(JsonElement obj, string path, string name)
    {
        JsonElement? value = Optional(obj, name);
        if (value is not null && value.Value.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(Child(path, name), "an object", value.Value);
        }

        return value;
    }

    /// <summary>A string-to-string map (annotations, labels), or null when absent.</summary>
    public static IReadOnlyDictionary<string, string>? OptionalStringMap(JsonElement obj, string path, string name)
    {
        JsonElement? map = OptionalObject(obj, path, name);
        if (map is null)
        {
            return null;
        }

        string mapPath = Child(path, name);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in map.Value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw WrongType(Child(mapPath, entry.Name), "a string", entry.Value);
            }

            // Duplicate keys: the last wins, as in Go's encoding/json and JsonElement.GetProperty.
            result[entry.Name] = entry.Value.GetString()!;
        }

        return result.AsReadOnly();
    }

    /// <summary>An empty, read-only map.</summary>
    public static IReadOnlyDictionary<string, string> EmptyMap => NoAnnotations;

    /// <summary>An array of strings, or null when absent.</summary>
    public static IReadOnlyList<string>? OptionalStringArray(JsonElement obj, string path, string name)
    {
        JsonElement? array = OptionalArray(obj, path, name);
        if (array is null)
        {
            return null;
        }

        string arrayPath = Child(path, name);
        var result = new List<string>(array.Value.GetArrayLength());
        int i = 0;
        foreach (JsonElement item in array.Value.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongType(Item(arrayPath, i), "a string", item));
            i++;
        }

        return result.AsReadOnly();
    }

    /// <summary>The error for a value of the wrong JSON type.</summary>
    public static JsonFieldError WrongType(string path, string expected, JsonElement found) =>
        new(path, $"must be {expected}, found {Describe(found.ValueKind)}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
