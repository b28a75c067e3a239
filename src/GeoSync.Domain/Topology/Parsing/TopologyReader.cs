using System.Text.Json;
using GeoSync.Domain.Json;
using GeoSync.Domain.Text;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>
/// Reads typed values out of a <see cref="JsonElement"/> tree, recording an error with its JSON path for every
/// problem instead of stopping at the first. The JSON types are checked by the domain's shared
/// <see cref="JsonFields"/> (in JSONPath style); each reader returns null when the value is unusable.
/// </summary>
internal sealed class TopologyReader(string file)
{
    private static readonly JsonFields Fields = JsonFields.JsonPath;

    private readonly List<TopologyError> errors = [];

    public string File { get; } = file;

    public IReadOnlyList<TopologyError> Errors => errors;

    public void Error(string path, string message) => errors.Add(new TopologyError(File, path, message));

    /// <summary>The JSONPath of a property: <c>$.regions</c>, or <c>$['odd name']</c>.</summary>
    public static string Child(string path, string name) => Fields.Child(path, name);

    /// <summary>True when <paramref name="element"/> is an object; else records why not.</summary>
    public bool IsObject(JsonElement element, string path) => Collect(() => Fields.RequireObject(element, path));

    /// <summary>Reads an object of a known shape; unknown and repeated fields are errors.</summary>
    public ObjectFields? Object(JsonElement element, string path, ObjectShape shape)
    {
        if (!IsObject(element, path))
        {
            return null;
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string propertyPath = Child(path, property.Name);
            if (!shape.Accepts(property.Name))
            {
                Error(propertyPath, UnknownField(property.Name, shape));
            }
            else if (!fields.TryAdd(property.Name, property.Value))
            {
                Error(propertyPath, $"field '{property.Name}' appears more than once");
            }
        }

        return new ObjectFields(this, path, fields);
    }

    /// <summary>Reads an array, returning each element with its path.</summary>
    public IReadOnlyList<(JsonElement Element, string Path)>? Array(JsonElement element, string path, bool allowEmpty = true) =>
        Collect(() => Fields.Items(element, path, allowEmpty));

    /// <summary>Reads an array with <paramref name="read"/> per element; null if the array itself is unusable.</summary>
    public IReadOnlyList<T>? List<T>(JsonElement element, string path, Func<JsonElement, string, T?> read, bool allowEmpty = true)
        where T : class
    {
        IReadOnlyList<(JsonElement Element, string Path)>? items = Array(element, path, allowEmpty);
        return items?.Select(item => read(item.Element, item.Path)).OfType<T>().ToArray();
    }

    /// <summary>A string with more than white space in it.</summary>
    public string? String(JsonElement element, string path) => Collect(() =>
    {
        string value = Fields.String(element, path);
        return string.IsNullOrWhiteSpace(value) ? throw new JsonFieldError(path, JsonFields.Empty) : value;
    });

    public long? Integer(JsonElement element, string path, long minimum, long maximum = long.MaxValue) =>
        Collect<long?>(() => Fields.Integer(element, path, minimum, maximum));

    public bool? Boolean(JsonElement element, string path) => Collect<bool?>(() => Fields.Boolean(element, path));

    /// <summary>A number of at least zero, integral or not (a price).</summary>
    public decimal? NonNegativeNumber(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            Error(path, Fields.WrongType(path, "a number", element).Reason);
            return null;
        }

        if (!element.TryGetDecimal(out decimal value))
        {
            Error(path, $"{element.GetRawText()} is out of range");
            return null;
        }

        if (value < 0)
        {
            Error(path, $"must be at least 0, found {element.GetRawText()}");
            return null;
        }

        return value;
    }

    public TimeSpan? Duration(JsonElement element, string path)
    {
        string? text = String(element, path);
        if (text is null)
        {
            return null;
        }

        if (!DurationText.TryParse(text, out TimeSpan value))
        {
            Error(path, $"'{text}' is not a duration; write {DurationText.Forms}");
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            Error(path, $"duration must be positive, found {text}");
            return null;
        }

        return value;
    }

    public SecretReference? Secret(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            Error(path, Fields.WrongType(path, "a secret reference (env:NAME or file:PATH)", element).Reason);
            return null;
        }

        if (!SecretReference.TryParse(element.GetString(), out SecretReference reference, out string? error))
        {
            Error(path, error);
            return null;
        }

        return reference;
    }

    /// <summary>An absolute http or https URL without credentials in it.</summary>
    public Uri? HttpUrl(JsonElement element, string path)
    {
        string? text = String(element, path);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            Error(path, $"'{text}' is not an absolute http or https URL");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            // The user-info part would be an inline credential; do not echo it.
            Error(path, "URL must not carry credentials (user:password@); put secrets in env: or file: references");
            return null;
        }

        return uri;
    }

    public RepositoryGlob? Glob(JsonElement element, string path)
    {
        string? text = String(element, path);
        if (text is null)
        {
            return null;
        }

        if (!RepositoryGlob.TryParse(text, out RepositoryGlob? glob, out string? error))
        {
            Error(path, $"bad repository glob: {error}");
            return null;
        }

        return glob;
    }

    public TagPattern? TagPattern(JsonElement element, string path)
    {
        string? text = String(element, path);
        if (text is null)
        {
            return null;
        }

        if (!Topology.TagPattern.TryParse(text, out TagPattern? pattern, out string? error))
        {
            Error(path, $"bad tag pattern: {error}");
            return null;
        }

        return pattern;
    }

    /// <summary>Runs one read, recording its error instead of throwing it: every error of a file is reported.</summary>
    private T? Collect<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (JsonFieldError error)
        {
            Error(error.Field, error.Reason);
            return default;
        }
    }

    private bool Collect(Action read) => Collect(() =>
    {
        read();
        return true;
    });

    private static string UnknownField(string name, ObjectShape shape)
    {
        string? suggestion = shape.Properties
            .Select(p => (Property: p, Distance: EditDistance(name.ToLowerInvariant(), p.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(1, c.Property.Length / 4))
            .OrderBy(c => c.Distance)
            .Select(c => c.Property)
            .FirstOrDefault();
        string hint = suggestion is null ? $"; expected one of: {string.Join(", ", shape.Properties)}" : $"; did you mean '{suggestion}'?";
        return $"unknown field '{name}'{hint}";
    }

    /// <summary>Optimal string alignment distance: edits and adjacent transpositions ("regoins" is 1 from "regions").</summary>
    private static int EditDistance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
