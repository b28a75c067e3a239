using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace GeoSync.Domain.Names;

/// <summary>
/// A repository name per the CNCF distribution spec: path components of <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*</c>
/// joined by <c>/</c>, at most 255 characters. The grammar admits nothing that could escape a storage path
/// (no <c>..</c>, no leading <c>/</c>, no backslash), which is why store drivers may use a name as a path.
/// </summary>
public readonly partial record struct RepositoryName
{
    /// <summary>The longest name the distribution spec allows.</summary>
    public const int MaxLength = 255;

    private RepositoryName(string value) => Value = value;

    /// <summary>The name, e.g. <c>team/app</c>.</summary>
    public string Value { get; }

    /// <summary>Parses a repository name; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static RepositoryName Parse(string value) =>
        TryParse(value, out RepositoryName name, out string? error) ? name : throw new FormatException(error);

    /// <summary>Parses a repository name, with the reason when it fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out RepositoryName name, [NotNullWhen(false)] out string? error)
    {
        name = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "repository name is empty";
            return false;
        }

        if (value.Length > MaxLength)
        {
            error = $"repository name is {value.Length} characters long; the limit is {MaxLength}";
            return false;
        }

        string[] components = value.Split('/');
        for (int i = 0; i < components.Length; i++)
        {
            if (components[i].Length == 0)
            {
                error = $"repository name '{Shorten(value)}': path component {i + 1} is empty (a leading, trailing or doubled '/')";
                return false;
            }

            if (!ComponentPattern().IsMatch(components[i]))
            {
                string shown = components[i].Length > 64 ? components[i][..64] + "…" : components[i];
                error = $"repository name '{Shorten(value)}': path component {i + 1} ('{shown}') must match [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";
                return false;
            }
        }

        name = new RepositoryName(value);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentPattern();
}
