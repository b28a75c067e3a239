using System.Text.Json;

namespace GeoSync.Domain.Json;

/// <summary>
/// Strict parsing of whole JSON documents as registries send them: one UTF-8 value, no comments or trailing commas,
/// bounded depth, and no string a reader could not decode. Errors are <see cref="JsonFieldError"/>s at <c>$</c>.
/// </summary>
internal static class JsonText
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 64,
    };

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
            throw new JsonFieldError(JsonFields.Root, "not JSON: the document is empty");
        }

        // The reader checks string contents only when they are read; check up front so every path reports "not JSON".
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw new JsonFieldError(JsonFields.Root, "not JSON: the document is not valid UTF-8");
        }

        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonFieldError(JsonFields.Root, $"not JSON: unexpected content after the JSON value at byte {reader.TokenStartIndex}");
            }

            if (LoneSurrogate(utf8) is { } error)
            {
                throw new JsonFieldError(JsonFields.Root, error);
            }

            return document;
        }
        catch (JsonException e)
        {
            document?.Dispose();
            throw new JsonFieldError(JsonFields.Root, $"not JSON: {e.Message}");
        }
        catch
        {
            document?.Dispose();
            throw;
        }
    }
}
