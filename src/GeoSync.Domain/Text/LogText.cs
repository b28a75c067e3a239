using System.Globalization;
using System.Text;

namespace GeoSync.Domain.Text;

/// <summary>
/// The one rule for showing a value that came from outside (a request, a stored file, a remote answer) in a log line
/// or on a terminal: control characters and other non-printables are shown escaped (<c>\n</c>, <c>\u0000</c>), so a
/// value can neither forge a log line nor send escape sequences to whoever reads it, and a long value is cut with
/// its length noted.
/// </summary>
public static class LogText
{
    /// <summary>How many characters of a value are shown before it is cut.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// <paramref name="value"/> as it may be written to a log or a terminal: tab, line feed and carriage return as
    /// <c>\t</c> <c>\n</c> <c>\r</c>; other control, format and separator characters, unassigned code points and
    /// lone surrogates as <c>\uXXXX</c>; cut after <see cref="MaxLength"/> characters with <c>…(N chars)</c>.
    /// The same instance when nothing needs changing; <c>(null)</c> for null.
    /// </summary>
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }

        if (value.Length <= MaxLength && IsPrintable(value))
        {
            return value;
        }

        int shown = value.Length;
        if (shown > MaxLength)
        {
            // Never cut a surrogate pair in two.
            shown = char.IsHighSurrogate(value[MaxLength - 1]) && char.IsLowSurrogate(value[MaxLength]) ? MaxLength - 1 : MaxLength;
        }

        var text = new StringBuilder(shown + 24);
        for (int i = 0; i < shown; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
                continue;
            }

            if (!NeedsEscape(c))
            {
                text.Append(c);
                continue;
            }

            _ = c switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ => text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
            };
        }

        if (shown < value.Length)
        {
            text.Append(CultureInfo.InvariantCulture, $"…({value.Length} chars)");
        }

        return text.ToString();
    }

    /// <summary>True when <paramref name="value"/> holds nothing <see cref="Escape"/> would escape (its length aside).</summary>
    public static bool IsPrintable(ReadOnlySpan<char> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is >= ' ' and < '\u007f')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (NeedsEscape(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool NeedsEscape(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or
        UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;
}
