using System.Globalization;
using System.Text.RegularExpressions;

namespace GeoSync.Domain.Text;

/// <summary>
/// The one way GeoSync reads a duration, in topology files and on the command line alike: a number with a unit
/// (<c>500ms</c>, <c>5s</c>, <c>10m</c>, <c>1.5h</c>, <c>7d</c>) or <c>[d.]hh:mm:ss[.fffffff]</c> (<c>00:00:05</c>).
/// A bare number is refused: .NET would read <c>5</c> as five days.
/// </summary>
public static partial class DurationText
{
    /// <summary>The accepted forms, for error messages.</summary>
    public const string Forms = "a number with a unit (500ms, 5s, 10m, 1h, 7d) or [d.]hh:mm:ss, e.g. 00:10:00";

    /// <summary>Reads <paramref name="text"/>; false when it is in neither form or out of range.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        Match match = WithUnit().Match(text);
        if (!match.Success)
        {
            return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value);
        }

        double number = double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        double milliseconds = number * match.Groups["unit"].Value switch
        {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => 86_400_000,
        };
        if (milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    [GeneratedRegex(@"^(?<number>\d{1,9}(\.\d{1,9})?)(?<unit>ms|s|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex WithUnit();
}
