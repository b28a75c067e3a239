using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace GeoSync.Domain.Names;

/// <summary>
/// A tag per the CNCF distribution spec: <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>. The grammar admits no <c>/</c>,
/// no backslash and no leading dot, so a tag is safe as one storage path element.
/// </summary>
public readonly partial record struct Tag
{
    private Tag(string value) => Value = value;

    /// <summary>The tag, e.g. <c>v1.2.3</c>.</summary>
    public string Value { get; }

    /// <summary>Parses a tag; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Tag Parse(string value) =>
        TryParse(value, out Tag tag, out string? error) ? tag : throw new FormatException(error);

    /// <summary>Parses a tag, with the reason when it fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Tag tag, [NotNullWhen(false)] out string? error)
    {
        tag = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "tag is empty";
            return false;
        }

        if (value.Length > 128)
        {
            error = $"tag is {value.Length} characters long; the limit is 128";
            return false;
        }

        if (!TagPattern().IsMatch(value))
        {
            error = $"tag '{value}' must match [a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}}";
            return false;
        }

        tag = new Tag(value);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
