using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace GeoSync.Domain.Topology;

/// <summary>
/// A tag pattern: a .NET regular expression that must match the whole tag (it is anchored as <c>^(?:pattern)$</c>,
/// so <c>v\d+</c> matches <c>v12</c> but not <c>v12-rc</c>). Patterns run on the non-backtracking engine, so an
/// operator-written pattern can never take exponential time; backreferences and lookarounds are therefore rejected.
/// </summary>
public sealed class TagPattern
{
    private readonly Regex regex;

    private TagPattern(string pattern, Regex regex)
    {
        Pattern = pattern;
        this.regex = regex;
    }

    /// <summary>The pattern matching every tag.</summary>
    public static TagPattern All { get; } = Parse(".*");

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Parses a pattern; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static TagPattern Parse(string pattern) =>
        TryParse(pattern, out TagPattern? tagPattern, out string? error) ? tagPattern : throw new FormatException(error);

    /// <summary>Parses a pattern, with the reason when it fails.</summary>
    public static bool TryParse([NotNullWhen(true)] string? pattern, [NotNullWhen(true)] out TagPattern? tagPattern, [NotNullWhen(false)] out string? error)
    {
        tagPattern = null;
        if (string.IsNullOrEmpty(pattern))
        {
            error = "tag pattern is empty";
            return false;
        }

        try
        {
            var regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            tagPattern = new TagPattern(pattern, regex);
            error = null;
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"tag pattern '{pattern}' is not a valid regular expression: {ex.Message}";
            return false;
        }
        catch (NotSupportedException ex)
        {
            error = $"tag pattern '{pattern}' uses a construct the non-backtracking engine does not support: {ex.Message}";
            return false;
        }
    }

    /// <summary>True when the pattern matches the whole <paramref name="tag"/>.</summary>
    public bool IsMatch(string tag) => regex.IsMatch(tag);

    /// <inheritdoc />
    public override string ToString() => Pattern;
}
